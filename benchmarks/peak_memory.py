"""A process's peak resident memory, for the benchmarks that measure it in fresh processes."""


def peak_memory_mb() -> float:
    """This process's peak resident memory [MB]: the kernel's high-water mark of its own
    address space (getrusage's maximum would include the parent's, inherited across exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")
