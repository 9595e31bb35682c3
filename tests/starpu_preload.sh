# starpu_preload.sh - sourced by the LD_PRELOAD tests: sets vir0_preload to
# what LD_PRELOAD needs for the built libstarpu_vir0. Under
# --enable-sanitizers the library needs the sanitizer runtimes, and ASan's
# must come first in the process, so they are preloaded ahead of it.
vir0_lib=$PWD/.libs/libstarpu_vir0.so
if [ ! -f "$vir0_lib" ]; then
	echo "FAIL: $vir0_lib not built"
	exit 1
fi
vir0_preload=$vir0_lib
for vir0_rt in ubsan asan; do
	vir0_rt_path=$(ldd "$vir0_lib" | awk -v rt="lib$vir0_rt.so" 'index($1, rt) == 1 { print $3 }')
	[ -n "$vir0_rt_path" ] && vir0_preload="$vir0_rt_path $vir0_preload"
done
