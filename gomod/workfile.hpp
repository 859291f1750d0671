#pragma once

// go.work files (x/mod modfile/work.go): go, toolchain, godebug, use and
// replace. There is no lax mode: a go.work always belongs to the user's own
// workspace, so an unknown directive is an error.

#include <gomod/modfile.hpp>
#include <gomod/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::modfile {

// `use ./dir`: a module directory in the workspace, as written (relative
// to the go.work file's directory unless rooted).
struct Use
{
  std::string path;
  Position pos;
};

struct WorkFile
{
  std::optional<Go> go;
  std::optional<Toolchain> toolchain;
  std::vector<Godebug> godebug;
  std::vector<Use> use;
  std::vector<Replace> replace;

  FileSyntax syntax;
};

// modfile.ParseWork. Versions in replace follow the rules of parse() in
// modfile.hpp: canonical unless fix is given.
Result<WorkFile> parse_work(std::string_view file,
                            std::string_view data,
                            const VersionFixer& fix = {});

} // namespace gpx::gomod::modfile
