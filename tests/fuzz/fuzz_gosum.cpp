// go.sum parsing on arbitrary bytes: no crash, and every entry read back
// can be found by its module and version.

#include <gomod/gosum.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto sum = gpx::gomod::parse_go_sum("go.sum", in);
  if (sum) {
    for (const auto& [key, entry] : sum->entries) {
      auto at = key.rfind('@');
      if (at == std::string::npos
          || sum->find(key.substr(0, at), key.substr(at + 1)) != &entry) {
        std::abort();
      }
    }
  }
  return 0;
}
