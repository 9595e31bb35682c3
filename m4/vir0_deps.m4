# vir0_deps.m4 - dependency checks that name the Debian package to install.

# VIR0_REQUIRE_PKG(VARIABLE-PREFIX, MODULES, DEBIAN-PACKAGES, WHAT-FOR)
# Finds MODULES with pkg-config or stops configure with a message that says
# which Debian packages to install.
AC_DEFUN([VIR0_REQUIRE_PKG], [
  PKG_CHECK_MODULES([$1], [$2], [], [
    AC_MSG_ERROR([$4 needs pkg-config module '$2', which was not found.
  Fix: apt-get install $3
  (or set PKG_CONFIG_PATH to where $2.pc lives).])])
])

# VIR0_OPTIONAL_PKG(NAME, VARIABLE-PREFIX, MODULES, DEBIAN-PACKAGES, WHAT-FOR)
# --with-NAME (default) requires MODULES and fails loudly without them;
# --without-NAME turns the part off explicitly and says so. Never silent.
AC_DEFUN([VIR0_OPTIONAL_PKG], [
  AC_ARG_WITH([$1],
    [AS_HELP_STRING([--without-$1], [build without $5])],
    [], [with_$1=yes])
  AS_IF([test "x$with_$1" != xno], [
    VIR0_REQUIRE_PKG([$2], [$3], [$4], [$5 (disable it with --without-$1)])
    AC_DEFINE([HAVE_$2], [1], [Define if $5 is built])
  ], [
    AC_MSG_NOTICE([$5 disabled by --without-$1])
  ])
  AM_CONDITIONAL([HAVE_$2], [test "x$with_$1" != xno])
])
