/// mimalloc rather than glibc's allocator: sled allocates and frees a node per page it
/// reads, and the store's passes decode a record at a time (see BENCHMARKS.md, "The
/// allocator"). Transparent huge pages are left off (`no_thp`), which held 77 MiB
/// where 37 MiB was used.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    weft::cli::main()
}
