#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| panther_fuzz::disasm(data));
