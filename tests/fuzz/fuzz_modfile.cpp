// go.mod parsing, strict and lax, on arbitrary bytes: no crash, and
// anything the strict parser accepts the lax one accepts too.

#include <gomod/modfile.hpp>
#include <gomod/modfile_read.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string_view in(reinterpret_cast<const char*>(data), size);
  namespace mf = gpx::gomod::modfile;
  auto strict = mf::parse("go.mod", in);
  auto lax = mf::parse_lax("go.mod", in);
  if (strict && !lax) {
    std::abort();
  }
  (void)mf::module_path(in);
  return 0;
}
