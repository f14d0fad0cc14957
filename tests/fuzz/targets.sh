# What the fuzz scripts know of each target (sourced).

# The seed folder under tests/fuzz/corpus/: both ELF readers share one.
corpus_of() {
	case $1 in
	elfsyms | unwind) echo elf ;;
	*) echo "$1" ;;
	esac
}

# The longest input worth trying: a little above the largest seed.
max_len() {
	case $1 in
	elfsyms | unwind | prom) echo 65536 ;;
	runjson | categories) echo 32768 ;;
	*) echo 4096 ;;
	esac
}
