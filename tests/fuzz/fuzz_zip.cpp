// Module zip checking and hashing on arbitrary bytes: never a crash or a
// leak or a hang, whatever the zip reader is handed.

#include <gomod/dirhash.hpp>
#include <gomod/zip.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  // The library works on files (zips are too big for memory in real use).
  static const std::string path = [] {
    std::string p = "/tmp/gpx-fuzz-zip-" + std::to_string(getpid()) + ".zip";
    return p;
  }();
  static const bool cleanup =
    std::atexit([] { std::remove(path.c_str()); }) == 0;
  (void)cleanup;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::abort();
  }
  if (size > 0 && std::fwrite(data, 1, size, f) != size) {
    std::abort();
  }
  std::fclose(f);

  gpx::gomod::Version m{"example.com/m", "v1.0.0"};
  auto checked = gpx::gomod::zip::check_zip(m, path);
  if (checked) {
    (void)checked->err();
  }
  (void)gpx::gomod::dirhash::hash_zip(path);
  return 0;
}
