/* cl_binary_cache.c - the on-disk cache of OpenCL program binaries (the
 * JIT's kernels and the megakernel). One file per key text, named by the
 * key's XXH3-128; it holds a header, the key text and the binary:
 *
 *   bytes 0-7    magic "VIR0JITB" (the JIT's first, kept so its entries stay valid)
 *   bytes 8-11   format version (1), little-endian
 *   bytes 12-15  key length
 *   bytes 16-23  binary length
 *   bytes 24-31  XXH64 of the key and the binary
 *
 * A file of the wrong size, magic or checksum is corrupt (the caller
 * reports it and rebuilds); a file for another key (a hash collision) is a
 * miss. Writers write a temporary file and rename it, so readers never see
 * half a file from a live writer; a crash or a full disk can still leave a
 * short file, which the size check catches. */
#include "cl_binary_cache.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "cl_error.h"
#include "error.h"

#define MAGIC "VIR0JITB"
#define FORMAT_VERSION 1u
#define HEADER_SIZE 32u
#define SUBDIR "/opencl-jit"

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t checksum(const char *key, size_t key_len, const unsigned char *binary,
			 size_t size)
{
	XXH64_state_t *state = XXH64_createState();
	uint64_t sum;
	if (!state)
		return 0;
	XXH64_reset(state, 0);
	XXH64_update(state, key, key_len);
	XXH64_update(state, binary, size);
	sum = XXH64_digest(state);
	XXH64_freeState(state);
	return sum;
}

/* mkdir -p */
static int make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc && errno != EEXIST)
			return -1;
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

char *vir0_cl_binary_cache_dir(const char *configured, char *why, size_t why_size)
{
	const char *base = NULL, *suffix = SUBDIR;
	why[0] = '\0';
	if (configured) {
		if (!*configured)
			return NULL;
		base = configured;
		suffix = "";
	} else if (getenv("VIR0_HOME") && *getenv("VIR0_HOME")) {
		base = getenv("VIR0_HOME");
	} else if (getenv("STARPU_HOME") && *getenv("STARPU_HOME")) {
		base = getenv("STARPU_HOME");
		suffix = "/.starpu/vir0" SUBDIR;
	} else if (getenv("HOME") && *getenv("HOME")) {
		base = getenv("HOME");
		suffix = "/.vir0" SUBDIR;
	} else {
		snprintf(why, why_size, "set VIR0_HOME, STARPU_HOME or HOME");
		return NULL;
	}
	size_t len = strlen(base) + strlen(suffix) + 1;
	char *dir = malloc(len);
	if (!dir) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	snprintf(dir, len, "%s%s", base, suffix);
	if (make_dirs(dir)) {
		snprintf(why, why_size, "cannot create %s (%s); fix its permissions or set "
			 "VIR0_HOME", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

char *vir0_cl_binary_cache_key(const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	int len = vsnprintf(NULL, 0, format, ap);
	va_end(ap);
	char *key = len < 0 ? NULL : malloc((size_t)len + 1);
	if (key) {
		va_start(ap, format);
		vsnprintf(key, (size_t)len + 1, format, ap);
		va_end(ap);
	}
	return key;
}

char *vir0_cl_binary_cache_path(const char *dir, const char *key)
{
	XXH128_hash_t h = XXH3_128bits(key, strlen(key));
	size_t len = strlen(dir) + 48;
	char *path = malloc(len);
	if (path)
		snprintf(path, len, "%s/%016llx%016llx.bin", dir, (unsigned long long)h.high64,
			 (unsigned long long)h.low64);
	return path;
}

static unsigned char *read_all(FILE *f, size_t *size)
{
	size_t capacity = 65536, len = 0, n;
	unsigned char *data = malloc(capacity);
	while (data && (n = fread(data + len, 1, capacity - len, f)) > 0) {
		len += n;
		if (len == capacity) {
			unsigned char *grown = capacity > SIZE_MAX / 2 ? NULL : realloc(data, capacity * 2);
			if (!grown) {
				free(data);
				return NULL;
			}
			data = grown;
			capacity *= 2;
		}
	}
	*size = len;
	return data;
}

/* Read the entry at `path` for `key`: FOUND with *binary (malloc'd) and
 * *size, or why not (CORRUPT fills `why`). */
static int read_entry(const char *path, const char *key, unsigned char **binary, size_t *size,
		      char *why, size_t why_size)
{
	FILE *f = fopen(path, "rb");
	size_t len, key_len = strlen(key);
	int rc = VIR0_CL_BINARY_CACHE_CORRUPT;
	if (!f)
		return VIR0_CL_BINARY_CACHE_MISSING;
	unsigned char *data = read_all(f, &len);
	fclose(f);
	if (!data) {
		snprintf(why, why_size, "cannot read it (out of memory)");
		return VIR0_CL_BINARY_CACHE_CORRUPT;
	}
	if (len < HEADER_SIZE || memcmp(data, MAGIC, 8) || get32(data + 8) != FORMAT_VERSION) {
		snprintf(why, why_size, "bad header (%zu bytes)", len);
	} else if ((uint64_t)len != HEADER_SIZE + (uint64_t)get32(data + 12) + get64(data + 16)) {
		snprintf(why, why_size, "truncated or overlong: %zu bytes, the header says %llu",
			 len, (unsigned long long)(HEADER_SIZE + (uint64_t)get32(data + 12) +
						   get64(data + 16)));
	} else if (checksum((const char *)data + HEADER_SIZE, get32(data + 12),
			    data + HEADER_SIZE + get32(data + 12), (size_t)get64(data + 16)) !=
		   get64(data + 24)) {
		snprintf(why, why_size, "checksum mismatch");
	} else if (get32(data + 12) != key_len || memcmp(data + HEADER_SIZE, key, key_len)) {
		rc = VIR0_CL_BINARY_CACHE_MISSING;
	} else {
		*size = (size_t)get64(data + 16);
		*binary = malloc(*size ? *size : 1);
		if (*binary) {
			memcpy(*binary, data + HEADER_SIZE + key_len, *size);
			rc = VIR0_CL_BINARY_CACHE_FOUND;
		} else {
			snprintf(why, why_size, "cannot read it (out of memory)");
		}
	}
	free(data);
	return rc;
}

int vir0_cl_binary_cache_program(const char *path, const char *key, cl_context context,
				 cl_device_id device, cl_program *program, char *why,
				 size_t why_size)
{
	unsigned char *binary = NULL;
	size_t size = 0;
	*program = NULL;
	int found = read_entry(path, key, &binary, &size, why, why_size);
	if (found != VIR0_CL_BINARY_CACHE_FOUND)
		return found;
	cl_int code, binary_status;
	const unsigned char *image = binary;
	cl_program made = clCreateProgramWithBinary(context, 1, &device, &size, &image,
						    &binary_status, &code);
	free(binary);
	if (code != CL_SUCCESS) {
		snprintf(why, why_size, "%s", vir0_cl_error_name(code));
		return VIR0_CL_BINARY_CACHE_REFUSED;
	}
	*program = made;
	return VIR0_CL_BINARY_CACHE_FOUND;
}

int vir0_cl_binary_cache_write(const char *path, const char *key, const unsigned char *binary,
			       size_t size, struct vir0_error *err)
{
	unsigned char header[HEADER_SIZE];
	size_t key_len = strlen(key), tmp_len = strlen(path) + 48;
	char *tmp = malloc(tmp_len);
	if (!tmp)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory writing the cache entry %s",
				     path);
	/* Unique per process and thread, in the same directory for rename. */
	snprintf(tmp, tmp_len, "%s.tmp.%ld.%p", path, (long)getpid(), (void *)&header);
	memcpy(header, MAGIC, 8);
	put32(header + 8, FORMAT_VERSION);
	put32(header + 12, (uint32_t)key_len);
	put64(header + 16, size);
	put64(header + 24, checksum(key, key_len, binary, size));
	FILE *f = fopen(tmp, "wb");
	int ok = f && fwrite(header, 1, HEADER_SIZE, f) == HEADER_SIZE &&
		 fwrite(key, 1, key_len, f) == key_len && fwrite(binary, 1, size, f) == size;
	if (f && fclose(f))
		ok = 0;
	if (!ok || rename(tmp, path)) {
		int saved = errno;
		unlink(tmp);
		free(tmp);
		return vir0_error_at(err, VIR0_EIO, 0, "cannot write the cache entry %s (%s): "
				     "check the disk and the directory's permissions", path,
				     strerror(saved));
	}
	free(tmp);
	return VIR0_OK;
}

/* A built program's binary for `device`, malloc'd, and its *size; NULL
 * when the driver keeps none or memory ran out. */
static unsigned char *program_binary(cl_program program, cl_device_id device, size_t *size)
{
	/* The program may be for several devices of its context: one binary
	 * each, in the order of CL_PROGRAM_DEVICES. */
	cl_uint count = 0, index = 0;
	*size = 0;
	if (clGetProgramInfo(program, CL_PROGRAM_NUM_DEVICES, sizeof(count), &count, NULL) !=
	    CL_SUCCESS || count == 0)
		return NULL;
	cl_device_id *devices = calloc(count, sizeof(*devices));
	size_t *sizes = calloc(count, sizeof(*sizes));
	unsigned char **binaries = calloc(count, sizeof(*binaries));
	if (devices && sizes && binaries &&
	    clGetProgramInfo(program, CL_PROGRAM_DEVICES, count * sizeof(*devices), devices,
			     NULL) == CL_SUCCESS &&
	    clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, count * sizeof(*sizes), sizes,
			     NULL) == CL_SUCCESS) {
		while (index < count && devices[index] != device)
			index++;
		if (index < count && sizes[index])
			binaries[index] = malloc(sizes[index]);
	}
	/* Entries left NULL are skipped by the driver. */
	unsigned char *binary = binaries && index < count ? binaries[index] : NULL;
	if (binary && clGetProgramInfo(program, CL_PROGRAM_BINARIES, count * sizeof(*binaries),
				       binaries, NULL) == CL_SUCCESS) {
		*size = sizes[index];
	} else {
		free(binary);
		binary = NULL;
	}
	free(binaries);
	free(sizes);
	free(devices);
	return binary;
}

int vir0_cl_binary_cache_store(const char *path, const char *key, cl_program program,
			       cl_device_id device, struct vir0_error *err)
{
	size_t size;
	unsigned char *binary = program_binary(program, device, &size);
	if (!binary)
		return VIR0_CL_BINARY_CACHE_NONE;
	int status = vir0_cl_binary_cache_write(path, key, binary, size, err);
	free(binary);
	return status;
}
