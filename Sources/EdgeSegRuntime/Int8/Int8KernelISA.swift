import CEdgeSeg

/// The instruction set the int8 kernels run on in this process: "scalar", "avx2", "avx512vnni", "neon" or
/// "neondot" (the best this CPU has, or EDGESEG_ISA's choice; see es_int8_dispatch.h).
public var int8KernelISA: String { String(cString: es_int8_isa_name()) }
