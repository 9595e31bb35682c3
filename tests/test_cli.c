/* test_cli.c - the vir0 command as a user runs it: every subcommand on the
 * examples, the options of `run` on small programs written here, and each
 * failure with its exit status (vir0(1): 0 ok, 1 bad program or input, 2
 * bad command line) and the key words of its message.
 *
 * It runs the built binary, VIR0_TOOL (an absolute path set by
 * tests/cli.mk), with posix_spawn: arguments go to it as they are, with
 * no shell in between, and its stdout and stderr land in files. Each test
 * works in its own fresh directory under $TMPDIR (or /tmp), so the source
 * tree stays untouched, as `make distcheck` wants. */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp, strdup */

#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef VIR0_TOOL
#error "VIR0_TOOL must name the built vir0 command (see tests/cli.mk)"
#endif

extern char **environ;

static const char *const examples[] = {
	"vector_add", "saxpy", "reduction_atomic", "histogram", "dfa_scan",
	"prefix_sum", "matmul_tiled",
};
#define NEXAMPLES (int)(sizeof(examples) / sizeof(examples[0]))

/* ---- the scratch directory ----------------------------------------------- */

static char workdir[4096];

static void workdir_enter(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(workdir, sizeof(workdir), "%s/vir0-cli-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(workdir) != NULL, "mkdtemp %s: %s", workdir, strerror(errno));
	ck_assert_int_eq(chdir(workdir), 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void workdir_leave(void)
{
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(nftw(workdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* ---- files ----------------------------------------------------------------- */

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, size, f), size);
	ck_assert_int_eq(fclose(f), 0);
}

static void write_text(const char *path, const char *text)
{
	write_file(path, text, strlen(text));
}

/* Whole file, malloc'd with a NUL after the end; NULL when it is absent. */
static char *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t used = 0, capacity = 4096;
	char *data = malloc(capacity);
	ck_assert_ptr_nonnull(data);
	size_t got;
	while ((got = fread(data + used, 1, capacity - used - 1, f)) > 0) {
		used += got;
		if (capacity - used == 1) {
			capacity *= 2;
			data = realloc(data, capacity);
			ck_assert_ptr_nonnull(data);
		}
	}
	ck_assert_int_eq(ferror(f), 0);
	fclose(f);
	data[used] = 0;
	*size = used;
	return data;
}

static int file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Both files exist and hold the same bytes. */
static void assert_same_file(const char *a, const char *b)
{
	size_t na, nb;
	char *da = read_file(a, &na), *db = read_file(b, &nb);
	ck_assert_msg(da && db, "%s or %s is missing", a, b);
	ck_assert_msg(na == nb && memcmp(da, db, na) == 0,
		      "%s (%zu bytes) and %s (%zu bytes) differ", a, na, b, nb);
	free(da);
	free(db);
}

static void u32_file(const char *path, const uint32_t *values, size_t n)
{
	uint8_t bytes[64];
	ck_assert_uint_le(n * 4, sizeof(bytes));
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 4; b++)
			bytes[i * 4 + b] = (uint8_t)(values[i] >> (8 * b));
	write_file(path, bytes, n * 4);
}

static const char *example_path(char *path, size_t size, const char *name)
{
	snprintf(path, size, "%s/examples/%s.vir0s", VIR0_TOP_SRCDIR, name);
	return path;
}

/* ---- running the command ------------------------------------------------- */

struct cli_result {
	int status;          /* exit status; 128 + N when killed by signal N */
	char *out, *err;     /* what it wrote, NUL-terminated */
	size_t out_size;
};

#define CLI_STDOUT ".vir0-stdout"
#define CLI_STDERR ".vir0-stderr"

/* Run VIR0_TOOL with `args` (NULL-terminated), stdin from `in` (NULL:
 * /dev/null), stdout into `out` (NULL: captured in the result). */
static struct cli_result cli_spawn(const char *in, const char *out, const char *const *args)
{
	const char *argv[64] = { VIR0_TOOL };
	size_t argc = 1;
	for (; args[argc - 1]; argc++) {
		ck_assert_uint_lt(argc, sizeof(argv) / sizeof(argv[0]) - 1);
		argv[argc] = args[argc - 1];
	}
	argv[argc] = NULL;

	posix_spawn_file_actions_t actions;
	ck_assert_int_eq(posix_spawn_file_actions_init(&actions), 0);
	ck_assert_int_eq(posix_spawn_file_actions_addopen(&actions, 0, in ? in : "/dev/null",
							   O_RDONLY, 0), 0);
	ck_assert_int_eq(posix_spawn_file_actions_addopen(&actions, 1, out ? out : CLI_STDOUT,
							   O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
	ck_assert_int_eq(posix_spawn_file_actions_addopen(&actions, 2, CLI_STDERR,
							   O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
	pid_t pid;
	int rc = posix_spawn(&pid, VIR0_TOOL, &actions, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	ck_assert_msg(rc == 0, "cannot run %s: %s", VIR0_TOOL, strerror(rc));
	int wstatus;
	ck_assert_int_eq(waitpid(pid, &wstatus, 0), pid);

	struct cli_result r = { 0 };
	size_t err_size;
	r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	r.out = out ? strdup("") : read_file(CLI_STDOUT, &r.out_size);
	r.err = read_file(CLI_STDERR, &err_size);
	ck_assert_msg(r.out && r.err, "the output of %s is missing", argv[1]);
	/* Under --enable-sanitizers a report can come with the very status a
	 * test expects (1), so look for the report itself. */
	ck_assert_msg(!strstr(r.err, "Sanitizer") && !strstr(r.err, "runtime error:"),
		      "vir0 %s: sanitizer report:\n%s", argv[1], r.err);
	return r;
}

#define VIR0(...) cli_spawn(NULL, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define VIR0_STDIN(in, ...) cli_spawn(in, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void cli_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
}

/* Exit status `status`, with stderr shown when it is not. */
#define expect_status(r, expected) \
	ck_assert_msg((r).status == (expected), "exit status %d, expected %d; stderr:\n%s", \
		      (r).status, (expected), (r).err)

#define expect_err_has(r, words) \
	ck_assert_msg(strstr((r).err, (words)) != NULL, \
		      "stderr lacks \"%s\":\n%s", (words), (r).err)

/* A failure: status, nothing on stdout, and the words on stderr. */
static void expect_failure(struct cli_result r, int status, const char *words)
{
	expect_status(r, status);
	ck_assert_msg(r.out_size == 0, "stdout is not empty on failure:\n%s", r.out);
	expect_err_has(r, words);
}

/* Run and expect a failure; for cases where one message says it all. */
#define VIR0_FAILS(status, words, ...) \
	do { \
		struct cli_result failed_ = VIR0(__VA_ARGS__); \
		expect_failure(failed_, (status), (words)); \
		cli_free(&failed_); \
	} while (0)

/* Run and expect success with exactly `stdout_text` on stdout. */
#define VIR0_PRINTS(stdout_text, ...) \
	do { \
		struct cli_result ok_ = VIR0(__VA_ARGS__); \
		expect_status(ok_, 0); \
		ck_assert_str_eq(ok_.out, (stdout_text)); \
		ck_assert_str_eq(ok_.err, ""); \
		cli_free(&ok_); \
	} while (0)

/* ---- the one-file commands on the examples ------------------------------ */

/* asm -> binary -> dis -> asm gives the same bytes; asm of the binary too. */
START_TEST(example_asm_dis_asm_round_trip)
{
	char src[4096];
	example_path(src, sizeof(src), examples[_i]);
	struct cli_result r = VIR0("asm", src, "-o", "first.vir0");
	expect_status(r, 0);
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(r.err, "");
	cli_free(&r);
	size_t size;
	char *binary = read_file("first.vir0", &size);
	ck_assert_ptr_nonnull(binary);
	ck_assert_msg(size > 8 && memcmp(binary, "VIR0", 4) == 0, "no VIR0 magic");
	free(binary);

	r = VIR0("dis", "first.vir0");
	expect_status(r, 0);
	ck_assert_uint_gt(r.out_size, 0);
	write_file("dis.vir0s", r.out, r.out_size);
	cli_free(&r);
	VIR0_PRINTS("", "dis", "first.vir0", "-o", "dis-o.vir0s");
	assert_same_file("dis.vir0s", "dis-o.vir0s");

	VIR0_PRINTS("", "asm", "dis.vir0s", "-o", "second.vir0");
	assert_same_file("first.vir0", "second.vir0");
	VIR0_PRINTS("", "asm", "--output", "third.vir0", "first.vir0");
	assert_same_file("first.vir0", "third.vir0");
}
END_TEST

/* The hash is of the program, not of its form: text and binary agree. */
START_TEST(example_hash_text_equals_binary)
{
	char src[4096];
	example_path(src, sizeof(src), examples[_i]);
	VIR0_PRINTS("", "asm", src, "-o", "p.vir0");
	struct cli_result text = VIR0("hash", src), binary = VIR0("hash", "p.vir0");
	expect_status(text, 0);
	expect_status(binary, 0);
	ck_assert_uint_eq(text.out_size, 33);
	ck_assert_uint_eq(strspn(text.out, "0123456789abcdef"), 32);
	ck_assert_int_eq(text.out[32], '\n');
	ck_assert_str_eq(text.out, binary.out);
	cli_free(&text);
	cli_free(&binary);
}
END_TEST

START_TEST(example_validates)
{
	char src[4096], expected[4200];
	example_path(src, sizeof(src), examples[_i]);
	snprintf(expected, sizeof(expected), "%s: valid\n", src);
	VIR0_PRINTS(expected, "validate", src);
	VIR0_PRINTS("", "asm", src, "-o", "p.vir0");
	VIR0_PRINTS("p.vir0: valid\n", "validate", "p.vir0");
}
END_TEST

/* '-' reads standard input and writes standard output. */
START_TEST(dash_is_stdin_and_stdout)
{
	char src[4096];
	example_path(src, sizeof(src), "saxpy");
	struct cli_result r = VIR0_STDIN(src, "validate", "-");
	expect_status(r, 0);
	ck_assert_str_eq(r.out, "-: valid\n");
	cli_free(&r);

	VIR0_PRINTS("", "asm", src, "-o", "file.vir0");
	r = VIR0_STDIN(src, "asm", "-", "-o", "-");
	expect_status(r, 0);
	write_file("piped.vir0", r.out, r.out_size);
	cli_free(&r);
	assert_same_file("file.vir0", "piped.vir0");
}
END_TEST

/* ---- vir0 run -------------------------------------------------------------- */

/* A buffer of every element type --print knows, one computed buffer and a
 * workgroup buffer. */
static const char types_program[] =
	"workgroup 4 1 1\n"
	"buffer ints i32[4] read\n"
	"buffer floats f32[4] read\n"
	"buffer flags bool[4] read\n"
	"buffer bytes8 i8[4] read\n"
	"buffer ubytes u8[4] read\n"
	"buffer shorts i16[2] read\n"
	"buffer ushorts u16[2] read\n"
	"buffer raw bytes[2] read\n"
	"buffer doubled i32[4] read_write\n"
	"buffer scratch u32[4] workgroup\n"
	"let i = gid.x\n"
	"if i < len(doubled) {\n"
	"\tstore doubled[i] = ints[i] * 2i\n"
	"}\n";

static const char types_declared[] =
	"ints, floats, flags, bytes8, ubytes, shorts, ushorts, raw, doubled\n";

/* types.vir0s and an --in file per read buffer, with edge values. */
static void write_types_program(void)
{
	static const uint32_t ints[] = { 0xFFFFFFFFu, 0x7FFFFFFFu, 0xFFFB6C20u, 5 };
	/* 1.5, 0.1f, -infinity, a quiet NaN */
	static const uint32_t floats[] = { 0x3FC00000u, 0x3DCCCCCDu, 0xFF800000u, 0x7FC00000u };
	static const uint32_t flags[] = { 1, 0, 1, 0 };
	static const uint8_t bytes[] = { 0xFF, 0x80, 0x7F, 0x01 };
	static const uint8_t shorts[] = { 0x00, 0x80, 0xFF, 0x7F };
	static const uint8_t ushorts[] = { 0xFF, 0xFF, 0x01, 0x00 };
	static const uint8_t raw[] = { 0xFF, 0x00 };
	write_text("types.vir0s", types_program);
	u32_file("ints.bin", ints, 4);
	u32_file("floats.bin", floats, 4);
	u32_file("flags.bin", flags, 4);
	write_file("bytes.bin", bytes, sizeof(bytes));
	write_file("shorts.bin", shorts, sizeof(shorts));
	write_file("ushorts.bin", ushorts, sizeof(ushorts));
	write_file("raw.bin", raw, sizeof(raw));
}

#define TYPES_INPUTS \
	"--in", "ints=ints.bin", "--in", "floats=floats.bin", "--in", "flags=flags.bin", \
	"--in", "bytes8=bytes.bin", "--in", "ubytes=bytes.bin", "--in", "shorts=shorts.bin", \
	"--in", "ushorts=ushorts.bin", "--in", "raw=raw.bin"

/* Signed, unsigned, narrow, f32 (%.9g, inf, nan), bool; i32 wraps. */
START_TEST(run_prints_every_element_type)
{
	write_types_program();
	VIR0_PRINTS("ints[0] = -1\nints[1] = 2147483647\nints[2] = -300000\nints[3] = 5\n"
		    "floats[0] = 1.5\nfloats[1] = 0.100000001\nfloats[2] = -inf\nfloats[3] = nan\n"
		    "flags[0] = true\nflags[1] = false\nflags[2] = true\nflags[3] = false\n"
		    "bytes8[0] = -1\nbytes8[1] = -128\nbytes8[2] = 127\nbytes8[3] = 1\n"
		    "ubytes[0] = 255\nubytes[1] = 128\nubytes[2] = 127\nubytes[3] = 1\n"
		    "shorts[0] = -32768\nshorts[1] = 32767\n"
		    "ushorts[0] = 65535\nushorts[1] = 1\n"
		    "raw[0] = 255\nraw[1] = 0\n"
		    "doubled[0] = -2\ndoubled[1] = -2\ndoubled[2] = -600000\ndoubled[3] = 10\n",
		    "run", "types.vir0s", TYPES_INPUTS,
		    "--print", "ints", "--print", "floats", "--print", "flags",
		    "--print", "bytes8", "--print", "ubytes", "--print", "shorts",
		    "--print", "ushorts", "--print", "raw", "--print", "doubled");
}
END_TEST

/* --out writes the raw little-endian bytes, to a file or to stdout ('-'). */
START_TEST(run_out_writes_raw_bytes)
{
	static const uint32_t doubled[] = { 0xFFFFFFFEu, 0xFFFFFFFEu, 0xFFF6D840u, 10 };
	write_types_program();
	u32_file("doubled.expected", doubled, 4);
	VIR0_PRINTS("", "run", "types.vir0s", TYPES_INPUTS,
		    "--out", "doubled=doubled.bin", "--out", "ints=ints.out");
	assert_same_file("doubled.bin", "doubled.expected");
	assert_same_file("ints.out", "ints.bin");

	struct cli_result r = VIR0("run", "types.vir0s", TYPES_INPUTS, "--out", "doubled=-");
	expect_status(r, 0);
	write_file("stdout.bin", r.out, r.out_size);
	cli_free(&r);
	assert_same_file("stdout.bin", "doubled.expected");
}
END_TEST

/* Counts its invocations (calls) and marks the elements of seen it reaches. */
static const char grid_program[] =
	"workgroup 4 1 1\n"
	"buffer seen u32[10] read_write\n"
	"buffer calls u32[1] read_write\n"
	"let i = gid.x\n"
	"let before = atomic_add(calls[0u], 1u)\n"
	"if i < len(seen) {\n"
	"\tstore seen[i] = i + 1u\n"
	"}\n";

/* Without --groups: ceil(10 / 4) = 3 workgroups, every element reached. */
START_TEST(run_default_grid_covers_the_longest_buffer)
{
	write_text("grid.vir0s", grid_program);
	VIR0_PRINTS("seen[0] = 1\nseen[1] = 2\nseen[2] = 3\nseen[3] = 4\nseen[4] = 5\n"
		    "seen[5] = 6\nseen[6] = 7\nseen[7] = 8\nseen[8] = 9\nseen[9] = 10\n"
		    "calls[0] = 12\n",
		    "run", "grid.vir0s", "--print", "seen", "--print", "calls");
}
END_TEST

START_TEST(run_groups_sets_the_grid)
{
	write_text("grid.vir0s", grid_program);
	VIR0_PRINTS("seen[0] = 1\nseen[1] = 2\nseen[2] = 3\nseen[3] = 4\nseen[4] = 0\n"
		    "seen[5] = 0\nseen[6] = 0\nseen[7] = 0\nseen[8] = 0\nseen[9] = 0\n"
		    "calls[0] = 4\n",
		    "run", "grid.vir0s", "--groups", "1", "--print", "seen", "--print", "calls");
	/* 4 x 3 workgroups of 4 invocations; 2 x 2 x 3 of them. */
	VIR0_PRINTS("calls[0] = 48\n", "run", "grid.vir0s", "--groups", "4,3", "--print", "calls");
	VIR0_PRINTS("calls[0] = 48\n", "run", "grid.vir0s", "--groups=2,2,3", "--print", "calls");
}
END_TEST

/* --engine ref and the default engine (cpu) give the same results. */
START_TEST(run_engine_ref)
{
	write_text("grid.vir0s", grid_program);
	struct cli_result by_default = VIR0("run", "grid.vir0s", "--print", "seen");
	struct cli_result by_name = VIR0("run", "--engine", "ref", "grid.vir0s", "--print", "seen");
	expect_status(by_default, 0);
	expect_status(by_name, 0);
	ck_assert_str_eq(by_default.out, by_name.out);
	ck_assert_uint_gt(by_name.out_size, 0);
	cli_free(&by_default);
	cli_free(&by_name);
}
END_TEST

START_TEST(run_unknown_engine)
{
	write_text("grid.vir0s", grid_program);
	struct cli_result r = VIR0("run", "grid.vir0s", "--engine", "warp9");
	expect_failure(r, 2, "unknown engine \"warp9\"");
	expect_err_has(r, "cpu, ref");
	expect_err_has(r, "usage: vir0 run");
	cli_free(&r);
}
END_TEST

/* --device applies to the OpenCL engine only, and must be a number. */
START_TEST(run_device_needs_opencl)
{
	write_text("grid.vir0s", grid_program);
	struct cli_result r = VIR0("run", "grid.vir0s", "--device", "0");
	expect_failure(r, 2, "use it with --engine opencl, not --engine cpu");
	cli_free(&r);
	r = VIR0("run", "grid.vir0s", "--engine", "ref", "--device", "zero");
	expect_failure(r, 2, "--device zero: give an OpenCL device index");
	cli_free(&r);
}
END_TEST

#ifdef HAVE_OPENCL
/* --engine opencl gives the reference's results; --verbose names the
 * device and its mode; a device that does not exist is an input error. */
START_TEST(run_engine_opencl)
{
	write_text("grid.vir0s", grid_program);
	struct cli_result ref = VIR0("run", "--engine", "ref", "grid.vir0s", "--groups", "4,3",
				     "--print", "seen", "--print", "calls");
	struct cli_result cl = VIR0("run", "--engine", "opencl", "--device", "0", "--verbose",
				    "grid.vir0s", "--groups", "4,3", "--print", "seen",
				    "--print", "calls");
	expect_status(ref, 0);
	expect_status(cl, 0);
	ck_assert_str_eq(ref.out, cl.out);
	expect_err_has(cl, "vir0 run: engine opencl: ");
	expect_err_has(cl, ", mode ");
	cli_free(&ref);
	cli_free(&cl);
	struct cli_result missing = VIR0("run", "--engine", "opencl", "--device", "4000",
					 "grid.vir0s");
	expect_failure(missing, 1, "OpenCL device 4000 does not exist");
	cli_free(&missing);
}
END_TEST
#endif

/* The example of vir0(1): count-0 buffers take their size from --in. */
START_TEST(run_manual_example_vector_add)
{
	static const uint32_t a[] = { 1, 2, 3, 4 }, b[] = { 10, 20, 30, 40 }, c[] = { 0, 0, 0, 0 };
	char src[4096];
	example_path(src, sizeof(src), "vector_add");
	u32_file("a.bin", a, 4);
	u32_file("b.bin", b, 4);
	u32_file("c.bin", c, 4);
	VIR0_PRINTS("c[0] = 11\nc[1] = 22\nc[2] = 33\nc[3] = 44\n", "run", src,
		    "--in", "a=a.bin", "--in", "b=b.bin", "--in", "c=c.bin", "--print", "c");
	VIR0_FAILS(1, "pass --in c=FILE", "run", src, "--in", "a=a.bin", "--in", "b=b.bin");
}
END_TEST

/* ---- failures: bad program or input (exit 1) ----------------------------- */

START_TEST(missing_file)
{
	VIR0_FAILS(1, "nope.vir0: cannot open", "validate", "nope.vir0");
	VIR0_FAILS(1, "nope.vir0: cannot open", "hash", "nope.vir0");
	VIR0_FAILS(1, "nope.vir0: cannot open", "dis", "nope.vir0");
	VIR0_FAILS(1, "nope.vir0: cannot open", "run", "nope.vir0");
	VIR0_FAILS(1, "nope.vir0: cannot open", "asm", "nope.vir0", "-o", "out.vir0");
	ck_assert(!file_exists("out.vir0"));
	write_text("grid.vir0s", grid_program);
	VIR0_FAILS(1, "nope.bin: cannot open", "run", "grid.vir0s", "--in", "seen=nope.bin");
}
END_TEST

/* Binary bytes without the magic go to the decoder (text holds no NUL),
 * which names the offset; so does a truncated binary. */
START_TEST(bad_binary)
{
	static const uint8_t wrong_magic[] = { 'V', 'I', 'R', 'X', 0x01, 0x00, 0x00, 0x00 };
	write_file("wrong.vir0", wrong_magic, sizeof(wrong_magic));
	struct cli_result r = VIR0("validate", "wrong.vir0");
	expect_failure(r, 1, "vir0: wrong.vir0: offset 0:");
	expect_err_has(r, "magic \"VIR0\"");
	cli_free(&r);
	VIR0_FAILS(1, "offset 0", "run", "wrong.vir0");

	char src[4096];
	example_path(src, sizeof(src), "histogram");
	VIR0_PRINTS("", "asm", src, "-o", "whole.vir0");
	size_t size;
	char *bytes = read_file("whole.vir0", &size);
	ck_assert_ptr_nonnull(bytes);
	write_file("cut.vir0", bytes, size / 2);
	free(bytes);
	VIR0_FAILS(1, "vir0: cut.vir0: offset ", "dis", "cut.vir0");
	VIR0_FAILS(1, "vir0: cut.vir0: offset ", "asm", "cut.vir0", "-o", "out.vir0");
	ck_assert(!file_exists("out.vir0"));
}
END_TEST

START_TEST(syntax_error_names_line_and_column)
{
	write_text("syntax.vir0s", "buffer a u32[4] read\nlet x = 1u\nlet y = = 2u\n");
	VIR0_FAILS(1, "syntax.vir0s:3:9: expected an expression", "validate", "syntax.vir0s");
	VIR0_FAILS(1, "syntax.vir0s:3:9: ", "run", "syntax.vir0s");
	VIR0_FAILS(1, "syntax.vir0s:3:9: ", "hash", "syntax.vir0s");
}
END_TEST

/* The validator's node path and its advice reach stderr; no binary is made. */
START_TEST(invalid_program_names_node_path)
{
	write_text("invalid.vir0s", "buffer a u32[4] read\nlet x = 1u\n"
		   "if x < 2u {\n\tstore a[0u] = 1u\n}\n");
	struct cli_result r = VIR0("validate", "invalid.vir0s");
	expect_failure(r, 1, "vir0: invalid.vir0s: body[1].then[0]: ");
	expect_err_has(r, "read_write");
	cli_free(&r);
	VIR0_FAILS(1, "body[1].then[0]", "asm", "invalid.vir0s", "-o", "out.vir0");
	ck_assert(!file_exists("out.vir0"));
	VIR0_FAILS(1, "body[1].then[0]", "run", "invalid.vir0s");
	/* dis and hash do not validate: an invalid program can be inspected. */
	r = VIR0("dis", "invalid.vir0s");
	expect_status(r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "store a[0u] = 1u"));
	cli_free(&r);
}
END_TEST

/* An unknown name lists the buffers that can be named (not workgroup ones). */
START_TEST(unknown_buffer_name_lists_declared)
{
	char expected[256];
	write_types_program();
	snprintf(expected, sizeof(expected), "no buffer named \"nope\"; name one of: %s",
		 types_declared);
	VIR0_FAILS(1, expected, "run", "types.vir0s", "--print", "nope");
	VIR0_FAILS(1, expected, "run", "types.vir0s", "--in", "nope=ints.bin");
	VIR0_FAILS(1, expected, "run", "types.vir0s", "--out", "nope=out.bin");
	ck_assert(!file_exists("out.bin"));
}
END_TEST

START_TEST(in_file_of_wrong_size)
{
	static const uint32_t three[] = { 1, 2, 3 };
	write_types_program();
	u32_file("three.bin", three, 3);
	struct cli_result r = VIR0("run", "types.vir0s", "--in", "ints=three.bin");
	expect_failure(r, 1, "vir0: three.bin: buffer \"ints\"");
	expect_err_has(r, "must hold exactly 16 bytes, but it holds 12");
	cli_free(&r);

	/* An endless file is read no further than the size it cannot have. */
	VIR0_FAILS(1, "must hold exactly 16 bytes, but it holds more", "run", "types.vir0s",
		   "--in", "ints=/dev/zero");
	VIR0_FAILS(1, "/dev/zero: the file holds more than 67108864 bytes", "validate",
		   "/dev/zero");

	char src[4096];
	example_path(src, sizeof(src), "vector_add");
	write_text("six.bin", "123456");
	VIR0_FAILS(1, "give a multiple of 4 bytes", "run", src, "--in", "a=six.bin");
}
END_TEST

START_TEST(in_for_workgroup_buffer)
{
	char expected[256];
	write_types_program();
	snprintf(expected, sizeof(expected), "workgroup buffer, private to each workgroup, "
		 "with no host memory; name one of: %s", types_declared);
	VIR0_FAILS(1, expected, "run", "types.vir0s", "--in", "scratch=ints.bin");
	VIR0_FAILS(1, expected, "run", "types.vir0s", "--print", "scratch");
}
END_TEST

START_TEST(unwritable_outputs)
{
	char src[4096];
	example_path(src, sizeof(src), "saxpy");
	VIR0_FAILS(1, "no-such-dir/p.vir0: cannot create", "asm", src, "-o", "no-such-dir/p.vir0");
	write_text("grid.vir0s", grid_program);
	VIR0_FAILS(1, "no-such-dir/seen.bin: cannot create", "run", "grid.vir0s",
		   "--out", "seen=no-such-dir/seen.bin");
	/* Output lost on the way to stdout is a failure too. */
	if (file_exists("/dev/full")) {
		struct cli_result r = cli_spawn(NULL, "/dev/full",
						(const char *const[]){ "hash", src, NULL });
		expect_failure(r, 1, "standard output: cannot write");
		cli_free(&r);
	}
}
END_TEST

/* ---- failures: bad command line (exit 2) --------------------------------- */

static const char *const bad_groups[] = {
	"0", "1,2,3,4", "abc", "", "4294967296", "1,,2", "-1", "2,", "1,0", "3x", " 1",
	"99999999999999999999",
};

START_TEST(bad_groups_forms)
{
	char expected[128];
	write_text("grid.vir0s", grid_program);
	snprintf(expected, sizeof(expected), "--groups %s: give one to three workgroup counts",
		 bad_groups[_i]);
	struct cli_result r = VIR0("run", "grid.vir0s", "--groups", bad_groups[_i]);
	expect_failure(r, 2, expected);
	expect_err_has(r, "X[,Y[,Z]]");
	cli_free(&r);
}
END_TEST

START_TEST(missing_program)
{
	VIR0_FAILS(2, "vir0 run: no program file given", "run");
	VIR0_FAILS(2, "vir0 run: no program file given", "run", "--print", "a");
	VIR0_FAILS(2, "vir0 validate: no input file given", "validate");
	VIR0_FAILS(2, "vir0 hash: no input file given", "hash");
	VIR0_FAILS(2, "vir0 dis: no input file given", "dis");
	VIR0_FAILS(2, "vir0 asm: no input file given", "asm", "-o", "x.vir0");
	VIR0_FAILS(2, "no output file given; add -o OUTPUT.vir0", "asm", "in.vir0s");
	VIR0_FAILS(2, "vir0: no command given", NULL);
}
END_TEST

START_TEST(extra_argument)
{
	VIR0_FAILS(2, "one input file only, got \"b.vir0\" too", "validate", "a.vir0", "b.vir0");
	VIR0_FAILS(2, "one input file only", "hash", "a.vir0", "b.vir0");
	VIR0_FAILS(2, "one program file only, got \"q.vir0\" too", "run", "p.vir0", "q.vir0");
}
END_TEST

START_TEST(unknown_option_or_command)
{
	VIR0_FAILS(2, "vir0 run: unknown option --bogus", "run", "--bogus", "p.vir0");
	VIR0_FAILS(2, "usage: vir0 run PROGRAM", "run", "--bogus", "p.vir0");
	VIR0_FAILS(2, "vir0 dis: unknown option -z", "dis", "-z", "p.vir0");
	VIR0_FAILS(2, "vir0 hash: unknown option -o", "hash", "-o", "x", "p.vir0");
	VIR0_FAILS(2, "--help=x: that option takes no argument", "validate", "--help=x");
	VIR0_FAILS(2, "--in needs an argument", "run", "p.vir0", "--in");
	VIR0_FAILS(2, "-o needs an argument", "asm", "p.vir0", "-o");
	VIR0_FAILS(2, "vir0: unknown option \"--frobnicate\"", "--frobnicate");
	VIR0_FAILS(2, "vir0: unknown command \"frobnicate\"", "frobnicate");
}
END_TEST

START_TEST(malformed_buffer_arguments)
{
	VIR0_FAILS(2, "--in a: write NAME=FILE", "run", "p.vir0", "--in", "a");
	VIR0_FAILS(2, "--in a=: write NAME=FILE", "run", "p.vir0", "--in", "a=");
	VIR0_FAILS(2, "--out =f: write NAME=FILE", "run", "p.vir0", "--out", "=f");
	VIR0_FAILS(2, "--print a=b: write the buffer name alone", "run", "p.vir0",
		   "--print", "a=b");
	VIR0_FAILS(2, "--in a is given twice", "run", "p.vir0", "--in", "a=x", "--in", "a=y");
}
END_TEST

START_TEST(help_and_version)
{
	struct cli_result r = VIR0("--help");
	expect_status(r, 0);
	ck_assert_str_eq(r.err, "");
	for (const char *const *c = (const char *const[]){ "asm", "dis", "validate", "hash",
							  "run", NULL }; *c; c++) {
		char line[64];
		snprintf(line, sizeof(line), "  vir0 %s ", *c);
		ck_assert_msg(strstr(r.out, line), "--help does not list %s:\n%s", *c, r.out);
	}
	cli_free(&r);
	VIR0_PRINTS("vir0 (" PACKAGE_NAME ") " PACKAGE_VERSION "\n", "--version");

	r = VIR0("run", "--help");
	expect_status(r, 0);
	ck_assert_msg(strncmp(r.out, "usage: vir0 run PROGRAM", 23) == 0, "%s", r.out);
	cli_free(&r);
	r = VIR0("asm", "-h");
	expect_status(r, 0);
	ck_assert_msg(strncmp(r.out, "usage: vir0 asm INPUT -o", 24) == 0, "%s", r.out);
	cli_free(&r);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *commands = tcase_create("commands");
	TCase *run = tcase_create("run");
	TCase *input = tcase_create("bad input");
	TCase *usage = tcase_create("bad command line");
	TCase *all[] = { commands, run, input, usage };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_add_checked_fixture(all[i], workdir_enter, workdir_leave);
		/* Each test starts the command several times, sanitized; this is
		 * a hang guard, not a speed requirement. */
		tcase_set_timeout(all[i], 120);
		suite_add_tcase(s, all[i]);
	}

	tcase_add_loop_test(commands, example_asm_dis_asm_round_trip, 0, NEXAMPLES);
	tcase_add_loop_test(commands, example_hash_text_equals_binary, 0, NEXAMPLES);
	tcase_add_loop_test(commands, example_validates, 0, NEXAMPLES);
	tcase_add_test(commands, dash_is_stdin_and_stdout);

	tcase_add_test(run, run_prints_every_element_type);
	tcase_add_test(run, run_out_writes_raw_bytes);
	tcase_add_test(run, run_default_grid_covers_the_longest_buffer);
	tcase_add_test(run, run_groups_sets_the_grid);
	tcase_add_test(run, run_engine_ref);
	tcase_add_test(run, run_unknown_engine);
	tcase_add_test(run, run_device_needs_opencl);
#ifdef HAVE_OPENCL
	tcase_add_test(run, run_engine_opencl);
#endif
	tcase_add_test(run, run_manual_example_vector_add);

	tcase_add_test(input, missing_file);
	tcase_add_test(input, bad_binary);
	tcase_add_test(input, syntax_error_names_line_and_column);
	tcase_add_test(input, invalid_program_names_node_path);
	tcase_add_test(input, unknown_buffer_name_lists_declared);
	tcase_add_test(input, in_file_of_wrong_size);
	tcase_add_test(input, in_for_workgroup_buffer);
	tcase_add_test(input, unwritable_outputs);

	tcase_add_loop_test(usage, bad_groups_forms, 0,
			    (int)(sizeof(bad_groups) / sizeof(bad_groups[0])));
	tcase_add_test(usage, missing_program);
	tcase_add_test(usage, extra_argument);
	tcase_add_test(usage, unknown_option_or_command);
	tcase_add_test(usage, malformed_buffer_arguments);
	tcase_add_test(usage, help_and_version);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(cli_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
