#include "path.hpp"

#include <vector>

namespace gpx::gomod::path {

std::string
clean(std::string_view p)
{
  if (p.empty()) {
    return ".";
  }
  const bool rooted = p.front() == '/';
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < p.size()) {
    std::size_t j = p.find('/', i);
    if (j == std::string_view::npos) {
      j = p.size();
    }
    std::string_view elem = p.substr(i, j - i);
    i = j + 1;
    if (elem.empty() || elem == ".") {
      continue;
    }
    if (elem == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(elem);
      }
      continue;
    }
    parts.push_back(elem);
  }
  std::string out = rooted ? "/" : "";
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) {
      out += '/';
    }
    out.append(parts[k]);
  }
  return out.empty() ? "." : out;
}

} // namespace gpx::gomod::path
