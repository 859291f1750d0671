// go.work parsing on arbitrary bytes: no crash, no leak.

#include <gomod/workfile.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)gpx::gomod::modfile::parse_work("go.work", in);
  return 0;
}
