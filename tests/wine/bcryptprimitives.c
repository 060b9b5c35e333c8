/* A stand-in for Windows' bcryptprimitives.dll, for the tests that run wulens.exe under Wine only:
 * never shipped. Rust's standard library imports ProcessPrng from bcryptprimitives.dll, which
 * Windows 10 and 11 have and Wine 8.0 lacks (wulens.exe then stops with "Library
 * bcryptprimitives.dll ... not found", exit 53). Placed beside the .exe in the tests, this one
 * forwards to advapi32's RtlGenRandom (SystemFunction036), which Wine has.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
