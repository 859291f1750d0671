#include "txtar.hpp"

#include <cstddef>

namespace gpx::test {

namespace {

// A marker line is "-- NAME --" exactly, as in txtar.isMarker.
bool
is_marker(std::string_view line, std::string& name)
{
  if (line.size() < 6 || line.substr(0, 3) != "-- "
      || line.substr(line.size() - 3) != " --") {
    return false;
  }
  std::string_view n = line.substr(3, line.size() - 6);
  // strings.TrimSpace (ASCII part).
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v'
           || c == '\f';
  };
  while (!n.empty() && space(n.front())) {
    n.remove_prefix(1);
  }
  while (!n.empty() && space(n.back())) {
    n.remove_suffix(1);
  }
  // "--  --" names nothing, and txtar treats it as an ordinary line.
  if (n.empty()) {
    return false;
  }
  name = std::string(n);
  return true;
}

} // namespace

Txtar
parse_txtar(std::string_view data)
{
  Txtar ar;
  // Index into files, not a pointer: push_back may move the vector.
  std::ptrdiff_t current = -1;
  auto target = [&]() -> std::string& {
    return current < 0 ? ar.comment : ar.files[current].data;
  };
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t eol = data.find('\n', pos);
    std::size_t next = eol == std::string_view::npos ? data.size() : eol + 1;
    std::string_view line = data.substr(
      pos, (eol == std::string_view::npos ? data.size() : eol) - pos);
    std::string name;
    if (is_marker(line, name)) {
      ar.files.push_back({name, {}});
      current = static_cast<std::ptrdiff_t>(ar.files.size()) - 1;
    } else {
      target().append(data.substr(pos, next - pos));
    }
    pos = next;
  }
  // txtar.Parse ends every non-empty file with a newline (fixNL).
  for (auto& f : ar.files) {
    if (!f.data.empty() && f.data.back() != '\n') {
      f.data.push_back('\n');
    }
  }
  return ar;
}

} // namespace gpx::test
