#!/usr/bin/env bash
# run-examples.sh VIR0_BINARY [ENGINE] - the main job: run every example program of
# examples/ through `vir0 run` on generated inputs, show a few results, and
# check each against values computed here independently (in Perl), with the
# given engine (default: vir0's own default). Exits
# non-zero, naming the example, when any result is wrong.
set -euo pipefail

vir0=${1:?usage: examples/run-examples.sh VIR0_BINARY [ENGINE]}
# The executor (vir0 run --engine); empty means vir0's default (cpu).
engine=(${2:+--engine "$2"})
examples=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "run-examples: FAIL: $*" >&2
	exit 1
}

# gen FILE PACK_TEMPLATE PERL_LIST: write pack(TEMPLATE, LIST) to $tmp/FILE.
# The list is a Perl expression that may use $n (the exported shell $n).
gen() {
	perl -e 'my $n = $ENV{n}; my @list = eval $ARGV[1]; die $@ if $@;
		binmode STDOUT; print pack($ARGV[0], @list)' "$2" "$3" >"$tmp/$1"
}

# run EXAMPLE ARGS...: vir0 run examples/EXAMPLE.vir0s ARGS, its --print
# output kept in $tmp/EXAMPLE.txt.
run() {
	local name=$1
	shift
	"$vir0" run "${engine[@]}" "$examples/$name.vir0s" "$@" >"$tmp/$name.txt" ||
		fail "$name: vir0 run exited with status $?"
}

# show EXAMPLE HEADLINE: the headline and the first four printed elements.
show() {
	echo "== $1: $2"
	head -n 4 "$tmp/$1.txt" | sed 's/^/   /'
}

# check EXAMPLE WHAT PERL: run PERL with %v holding the printed elements
# ($v{NAME}[i]); it dies with a message when a result is wrong.
check() {
	local prelude='
		my %v;
		open my $f, "<", shift @ARGV or die "no output\n";
		while (<$f>) {
			/^(\w+)\[(\d+)\] = (\S+)$/ or die "unexpected line: $_";
			$v{$1}[$2] = $3;
		}
		sub expect { my ($what, $got, $want) = @_;
			die "$what is $got, expected $want\n" unless defined $got && $got eq $want }'
	perl -e "$prelude" -e "$3" "$tmp/$1.txt" || fail "$1: $2"
	echo "   check: $2: ok"
}

export n

# vector_add: u32 sums that wrap modulo 2^32, n not a multiple of 64.
n=1000
gen a 'V*' 'map { ($_ * 2654435761) % 2**32 } 0 .. $n - 1'
gen b 'V*' 'map { 4000000000 + $_ } 0 .. $n - 1'
gen zeros_c 'V*' 'map { 0 } 1 .. $n'
run vector_add --in a="$tmp/a" --in b="$tmp/b" --in c="$tmp/zeros_c" --print c
show vector_add "c = a + b over $n u32 elements (wrapping)"
check vector_add "c[i] == (a[i] + b[i]) mod 2^32 for all $n i" '
	for my $i (0 .. $ENV{n} - 1) {
		expect("c[$i]", $v{c}[$i], (($i * 2654435761) % 2**32 + 4000000000 + $i) % 2**32);
	}'

# saxpy: values chosen so that every product and sum is exact in f32.
n=1000
gen alpha 'f<' '2.5'
gen x 'f<*' 'map { $_ * 0.5 } 0 .. $n - 1'
gen y 'f<*' 'map { 1 + $_ } 0 .. $n - 1'
run saxpy --in alpha="$tmp/alpha" --in x="$tmp/x" --in y="$tmp/y" --print y
show saxpy "y = 2.5 * x + y over $n f32 elements"
check saxpy "y[i] == 2.5 * (i / 2) + (1 + i) for all $n i" '
	for my $i (0 .. $ENV{n} - 1) {
		expect("y[$i]", $v{y}[$i], sprintf("%.9g", 2.25 * $i + 1));
	}'

# reduction_atomic: a u32 sum that wraps several times.
n=5000
gen input 'V*' 'map { ($_ * 1000003) % 2**32 } 0 .. $n - 1'
run reduction_atomic --in input="$tmp/input" --print total
show reduction_atomic "total = sum of $n u32 elements (wrapping)"
check reduction_atomic "total == the sum mod 2^32" '
	my $sum = 0;
	$sum = ($sum + ($_ * 1000003) % 2**32) % 2**32 for 0 .. $ENV{n} - 1;
	expect("total[0]", $v{total}[0], $sum);'

# histogram: counts of byte values, workgroup atomics then global ones.
n=10000
gen data 'C*' 'map { ($_ * $_ + 7 * $_) & 255 } 0 .. $n - 1'
run histogram --in data="$tmp/data" --print bins
show histogram "bins of $n bytes"
check histogram "every bin matches and the bins sum to $n" '
	my (@want, $sum);
	$want[($_ * $_ + 7 * $_) & 255]++ for 0 .. $ENV{n} - 1;
	for my $b (0 .. 255) {
		expect("bins[$b]", $v{bins}[$b], $want[$b] // 0);
		$sum += $v{bins}[$b];
	}
	expect("the sum of the bins", $sum, $ENV{n});'

# dfa_scan: where does "ab" start? The 4-state DFA of the example header.
text='xxabyabab-ab?aab_b_a_ab'
n=${#text}
export text
gen table 'V*' 'my @t = (0) x (4 * 256); $t[1 * 256 + 97] = 2; $t[2 * 256 + 98] = 3; @t'
gen accepting 'V*' '0, 0, 0, 1'
printf '%s' "$text" >"$tmp/text"
gen zeros_matches 'V*' 'map { 0 } 1 .. $n'
run dfa_scan --in table="$tmp/table" --in accepting="$tmp/accepting" \
	--in input="$tmp/text" --in matches="$tmp/zeros_matches" --print total --print matches
show dfa_scan "matches of \"ab\" in \"$text\""
check dfa_scan "matches[p] == 1 exactly where \"ab\" starts" '
	my $count = 0;
	for my $p (0 .. length($ENV{text}) - 1) {
		my $at = substr($ENV{text}, $p, 2) eq "ab" ? 1 : 0;
		expect("matches[$p]", $v{matches}[$p], $at);
		$count += $at;
	}
	expect("total[0]", $v{total}[0], $count);'

# prefix_sum: block-wise inclusive scan, blocks of 256, n not a multiple.
n=1000
gen input 'V*' 'map { $_ % 7 + 1 } 0 .. $n - 1'
gen zeros_sums 'V*' 'map { 0 } 1 .. $n'
run prefix_sum --in input="$tmp/input" --in sums="$tmp/zeros_sums" --print sums
show prefix_sum "inclusive scan of $n u32 in blocks of 256"
check prefix_sum "every element, and the last is $(tail -n 1 "$tmp/prefix_sum.txt")" '
	my $sum = 0;
	for my $i (0 .. $ENV{n} - 1) {
		$sum = 0 if $i % 256 == 0;
		$sum += $i % 7 + 1;
		expect("sums[$i]", $v{sums}[$i], $sum);
	}'

# matmul_tiled: N = 20 is not a multiple of 16, so the grid of
# ceil(20 / 16)^2 = 4 workgroups is given. Small integers keep f32 exact.
N=20
n=$((N * N))
export N
gen a 'f<*' 'map { int($_ / $ENV{N}) + $_ % $ENV{N} * 2 - 7 } 0 .. $n - 1'
gen b 'f<*' 'map { (int($_ / $ENV{N}) * 3 + $_ % $ENV{N}) % 5 - 2 } 0 .. $n - 1'
gen zeros_c 'f<*' 'map { 0 } 1 .. $n'
run matmul_tiled --groups 4 --in a="$tmp/a" --in b="$tmp/b" --in c="$tmp/zeros_c" --print c
show matmul_tiled "C = A * B, $N x $N f32"
check matmul_tiled "every c[row, col] == sum over k of a[row, k] * b[k, col]" '
	my $N = $ENV{N};
	for my $r (0 .. $N - 1) {
		for my $c (0 .. $N - 1) {
			my $sum = 0;
			$sum += ($r + $_ * 2 - 7) * (($_ * 3 + $c) % 5 - 2) for 0 .. $N - 1;
			expect("c[$r * $N + $c]", $v{c}[$r * $N + $c], sprintf("%.9g", $sum));
		}
	}'

echo "run-examples: all 7 examples gave the expected results"
