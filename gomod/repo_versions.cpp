#include "repo_versions.hpp"

#include "module.hpp"
#include "pseudo.hpp"
#include "semver.hpp"

namespace gpx::gomod {

Result<std::vector<std::string>>
versions_from_tags(
  std::string_view module_path,
  std::string_view code_dir,
  const std::vector<std::string>& tags,
  const std::function<Result<bool>(const std::string& tag)>& has_go_mod)
{
  // gopkg.in/macaroon-bakery.v2-unstable: its v2 tags belong to
  // macaroon-bakery.v2; it has no versions of its own.
  if (module_path.starts_with("gopkg.in/")
      && module_path.ends_with("-unstable")) {
    return std::vector<std::string>{};
  }
  auto split = split_path_version(module_path);
  const std::string& path_major = split.path_major;
  std::string prefix = code_dir.empty() ? "" : std::string(code_dir) + "/";
  std::vector<std::string> list;
  std::vector<std::string> incompatible;
  for (const auto& tag : tags) {
    if (!tag.starts_with(prefix)) {
      continue;
    }
    auto v = tag.substr(prefix.size());
    if (v.empty() || v != semver::canonical(v) || is_pseudo_version(v)) {
      continue;
    }
    if (!check_path_major(v, path_major)) {
      if (code_dir.empty() && path_major.empty() && semver::major(v) > "v1") {
        incompatible.push_back(v);
      }
      continue;
    }
    list.push_back(v);
  }
  semver::sort(list);
  semver::sort(incompatible);
  if (incompatible.empty() || !path_major.empty()) {
    return list;
  }
  // The latest compatible version has a go.mod: the author means the
  // v0/v1 line (golang.org/issue/34189), so no +incompatible versions.
  if (!list.empty()) {
    auto ok = has_go_mod(list.back());
    if (!ok) {
      return ok.error();
    }
    if (*ok) {
      return list;
    }
  }
  std::string last_major;
  bool last_major_has_go_mod = false;
  for (std::size_t i = 0; i < incompatible.size(); ++i) {
    const auto& v = incompatible[i];
    auto major = semver::major(v);
    if (major != last_major) {
      // The latest release of this major decides for all of it.
      auto j = i;
      while (j + 1 < incompatible.size()
             && semver::major(incompatible[j + 1]) == major) {
        ++j;
      }
      last_major = major;
      auto ok = has_go_mod(incompatible[j]);
      if (!ok) {
        return ok.error();
      }
      last_major_has_go_mod = *ok;
    }
    if (!last_major_has_go_mod) {
      list.push_back(v + "+incompatible");
    }
  }
  return list;
}

} // namespace gpx::gomod
