/* opencl_kernels.cl - the benchmark kernels written by hand in OpenCL C
 * 1.2: the same algorithms as examples/NAME.vir0s (one work-item per
 * element, work-groups of the example's size, the same atomics), for the
 * third column of bench/bench_opencl. What a person would write: no
 * bounds checks on the tables, lengths passed as `n`. FP_CONTRACT off,
 * as VIR0 rounds every f32 operation once (fmt §9.2), so on the
 * benchmark's inputs the results match the other two bit for bit. */
#pragma OPENCL FP_CONTRACT OFF

/* saxpy.vir0s: y = alpha * x + y, in place. */
__kernel void saxpy(__global const float *alpha, __global const float *x, __global float *y,
		    uint n)
{
	uint i = get_global_id(0);
	if (i < n)
		y[i] = alpha[0] * x[i] + y[i];
}

/* vector_add.vir0s: c = a + b, wrapping. */
__kernel void vector_add(__global const uint *a, __global const uint *b, __global uint *c,
			 uint n)
{
	uint i = get_global_id(0);
	if (i < n)
		c[i] = a[i] + b[i];
}

/* reduction_atomic.vir0s: one global atomic add per element. */
__kernel void sum_atomic(__global const uint *input, __global uint *total, uint n)
{
	uint i = get_global_id(0);
	if (i < n)
		atomic_add(total, input[i]);
}

/* histogram.vir0s: 64 bytes per work-group counted in local bins, then
 * each work-item merges 4 of the 256 bins that are not zero. */
__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void histogram(__global const uchar *data, __global uint *bins, uint n)
{
	__local uint local_bins[256];
	uint lid = get_local_id(0), i = get_global_id(0);
	for (uint k = 0; k < 4; k++)
		local_bins[k * 64 + lid] = 0;
	barrier(CLK_LOCAL_MEM_FENCE);
	if (i < n)
		atomic_inc(&local_bins[data[i]]);
	barrier(CLK_LOCAL_MEM_FENCE);
	for (uint k = 0; k < 4; k++) {
		uint bin = k * 64 + lid, count = local_bins[bin];
		if (count > 0)
			atomic_add(&bins[bin], count);
	}
}

/* dfa_scan.vir0s: 32 guarded DFA steps from each position (no early
 * exit, like the example), a match flag, and a global count. */
__kernel void dfa_scan(__global const uint *table, __global const uint *accepting,
		       __global const uchar *input, __global uint *matches, __global uint *total,
		       uint n)
{
	uint p = get_global_id(0);
	if (p >= n)
		return;
	uint state = 1, found = 0;
	for (uint k = 0; k < 32; k++) {
		uint pos = p + k;
		if (pos < n && state != 0) {
			state = table[state * 256 + input[pos]];
			if (accepting[state] != 0)
				found = 1;
		}
	}
	matches[p] = found;
	if (found == 1)
		atomic_inc(total);
}

/* matmul_tiled.vir0s: one 16 x 16 tile of c per work-group of 256, k in
 * ascending order through 16 x 16 tiles of a and b in local memory. */
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void matmul_tiled(__global const float *a, __global const float *b, __global float *c, uint n)
{
	__local float tile_a[256], tile_b[256];
	uint lid = get_local_id(0), tiles = (n + 15) / 16, group = get_group_id(0);
	uint row = group / tiles * 16 + lid / 16, col = group % tiles * 16 + lid % 16;
	float acc = 0.0f;
	for (uint t = 0; t < tiles; t++) {
		uint a_col = t * 16 + lid % 16, b_row = t * 16 + lid / 16;
		tile_a[lid] = row < n && a_col < n ? a[row * n + a_col] : 0.0f;
		tile_b[lid] = b_row < n && col < n ? b[b_row * n + col] : 0.0f;
		barrier(CLK_LOCAL_MEM_FENCE);
		for (uint k = 0; k < 16; k++)
			acc = acc + tile_a[lid / 16 * 16 + k] * tile_b[k * 16 + lid % 16];
		barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (row < n && col < n)
		c[row * n + col] = acc;
}

/* The dispatch baseline: a launch that does nothing. */
__kernel void empty(void)
{
}
