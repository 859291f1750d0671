#pragma once

// The versions a repository's tags give a module, as the go command's
// direct mode computes them (modfetch/coderepo.go, Versions and
// appendIncompatibleVersions). The repository is asked only one thing:
// whether a tag has a go.mod at the module's root.

#include <gomod/result.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod {

// module_path "corp.example/lib/v2", code_dir "" or the module's directory
// in the repository ("sub" for tags "sub/v1.2.3"), tags the repository's tag
// names. Tags that are not canonical semver, look like pseudo-versions or
// name another major version are left out; v2+ tags of a v0/v1 module at
// the repository root become "+incompatible", unless the latest compatible
// version, or the latest release of that major, has a go.mod.
Result<std::vector<std::string>> versions_from_tags(
  std::string_view module_path,
  std::string_view code_dir,
  const std::vector<std::string>& tags,
  const std::function<Result<bool>(const std::string& tag)>& has_go_mod);

} // namespace gpx::gomod
