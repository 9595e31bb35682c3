# vir0/format.mk - owned by the format work; appends to libvir0_la_SOURCES, check_PROGRAMS, TESTS.
# The wire decoder and encoder (fmt §1-§7), structural equality and the
# content hash.
libvir0_la_SOURCES += \
	vir0/wire_rules.c vir0/wire_rules.h \
	vir0/wire_reader.c vir0/wire_reader.h \
	vir0/wire_writer.c vir0/wire_writer.h \
	vir0/key_set.c vir0/key_set.h \
	vir0/limits.c \
	vir0/decode.c vir0/decode.h \
	vir0/decode_type.c vir0/decode_expr.c vir0/decode_node.c \
	vir0/encode.c vir0/encode.h \
	vir0/encode_type.c vir0/encode_expr.c vir0/encode_node.c \
	vir0/equal.c \
	vir0/hash.c

check_PROGRAMS += tests/test_decode
TESTS += tests/test_decode
tests_test_decode_SOURCES = tests/test_decode.c
tests_test_decode_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_decode_LDADD = $(VIR0_TEST_LIBS)

check_PROGRAMS += tests/test_encode
TESTS += tests/test_encode
tests_test_encode_SOURCES = tests/test_encode.c
tests_test_encode_CFLAGS = $(VIR0_TEST_CFLAGS) $(XXHASH_CFLAGS)
tests_test_encode_LDADD = $(VIR0_TEST_LIBS) $(XXHASH_LIBS) -lm

check_PROGRAMS += tests/test_malformed
TESTS += tests/test_malformed
tests_test_malformed_SOURCES = tests/test_malformed.c
tests_test_malformed_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_malformed_LDADD = $(VIR0_TEST_LIBS)

# The libFuzzer target: built by clang straight from the library's C files,
# so the fuzzer's coverage instrumentation sees the decoder. check-local
# runs it for a bounded time over the test vectors as a seed corpus.
EXTRA_DIST += tests/fuzz/fuzz_decode.c
if HAVE_LIBFUZZER
VIR0_FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -I$(top_srcdir)/include -I$(top_srcdir)/vir0
VIR0_FUZZ_RUN = -runs=20000 -max_total_time=30

tests/fuzz/fuzz_decode$(EXEEXT): $(top_srcdir)/tests/fuzz/fuzz_decode.c $(libvir0_la_SOURCES)
	$(AM_V_GEN)$(MKDIR_P) tests/fuzz && \
	sources=`for f in $(libvir0_la_SOURCES); do \
		case $$f in *.c) echo $(top_srcdir)/$$f;; esac; done` && \
	$(CLANG) $(VIR0_FUZZ_FLAGS) $(XXHASH_CFLAGS) -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_decode.c $$sources $(XXHASH_LIBS) -lm

# Seed corpus: each vector's hex digits (comments dropped) as raw bytes,
# written with printf octal escapes, which every POSIX shell understands.
check-local: tests/fuzz/fuzz_decode$(EXEEXT)
	$(AM_V_at)rm -rf tests/fuzz/corpus && $(MKDIR_P) tests/fuzz/corpus
	$(AM_V_at)for v in $(top_srcdir)/tests/vectors/*.hex; do \
		escaped=`sed 's/#.*//' "$$v" | tr -dc '0-9A-Fa-f' | fold -w2 | \
			awk 'BEGIN { for (i = 0; i < 256; i++) hex[sprintf("%02x", i)] = i } \
			     { printf "\\\\%03o", hex[tolower($$0)] }'` && \
		printf "$$escaped" > tests/fuzz/corpus/`basename "$$v" .hex` || exit 1; \
	done
	tests/fuzz/fuzz_decode$(EXEEXT) $(VIR0_FUZZ_RUN) \
		-artifact_prefix=tests/fuzz/ tests/fuzz/corpus

CLEAN_DIRS += tests/fuzz/corpus

CLEANFILES += tests/fuzz/fuzz_decode$(EXEEXT)
endif
