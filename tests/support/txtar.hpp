#pragma once

// The txtar archive format of golang.org/x/tools/txtar, used by x/mod's zip
// test data: a comment, then files introduced by "-- name --" lines.

#include <string>
#include <string_view>
#include <vector>

namespace gpx::test {

struct TxtarFile
{
  std::string name;
  std::string data;
};

struct Txtar
{
  std::string comment;
  std::vector<TxtarFile> files;
};

Txtar parse_txtar(std::string_view data);

} // namespace gpx::test
