#pragma once

// Pseudo-versions (golang.org/x/mod/module/pseudo.go): versions that name an
// untagged commit, in three forms:
//   vX.0.0-yyyymmddhhmmss-abcdefabcdef          no earlier tag on that major
//   vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef    after tag vX.Y.Z-pre
//   vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef    after release vX.Y.Z

#include <gomod/result.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace gpx::gomod {

using SysSeconds = std::chrono::sys_seconds;

// module.PseudoVersion: the pseudo-version for a commit at time t (committer
// time, any zone: UTC is used) with revision rev (12+ hex digits, truncated
// to 12), after tag `older` ("" if none) on major `major` ("" means "v0").
std::string pseudo_version(std::string_view major,
                           std::string_view older,
                           SysSeconds t,
                           std::string_view rev);
// module.ZeroPseudoVersion: vX.0.0-00010101000000-000000000000.
std::string zero_pseudo_version(std::string_view major);

bool is_pseudo_version(std::string_view v);
bool is_zero_pseudo_version(std::string_view v);

// module.PseudoVersionTime / Rev / Base.
Result<SysSeconds> pseudo_version_time(std::string_view v);
Result<std::string> pseudo_version_rev(std::string_view v);
Result<std::string> pseudo_version_base(std::string_view v);

} // namespace gpx::gomod
