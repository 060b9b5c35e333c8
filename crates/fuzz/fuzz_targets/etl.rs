#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wulens_core::fuzzing::etl(data));
