#include "context.hpp"

#include <gomod/format.hpp>

#include <iostream>

namespace gpx::cli {

void
print_error(std::string_view message, std::string_view hint)
{
  // One line, always: scripts read the reason with `head -1` or a grep. A
  // message listing several problems (x/mod's errors do) keeps the first.
  std::size_t more = 0;
  if (auto nl = message.find('\n'); nl != std::string_view::npos) {
    for (std::size_t i = nl; i != std::string_view::npos;
         i = message.find('\n', i + 1)) {
      if (i + 1 < message.size()) {
        ++more;
      }
    }
    message = message.substr(0, nl);
  }
  std::cerr << "gpx: error: " << message;
  if (more > 0) {
    std::cerr << " (and " << more << " more)";
  }
  std::cerr << "\n";
  if (!hint.empty()) {
    std::cerr << "gpx: hint: " << hint << "\n";
  }
}

int
fail(const Error& error, std::string_view hint)
{
  print_error(error.message, hint);
  return 1;
}

Result<gomod::Version>
parse_module_version(std::string_view arg)
{
  auto at = arg.rfind('@');
  if (at == std::string_view::npos) {
    return Error::invalid(
      format("{:?}: want MODULE@VERSION, e.g. rsc.io/quote@v1.5.2", arg));
  }
  gomod::Version v{std::string(arg.substr(0, at)),
                   std::string(arg.substr(at + 1))};
  if (auto ok = gomod::check(v.path, v.version); !ok) {
    return ok.error();
  }
  return v;
}

} // namespace gpx::cli
