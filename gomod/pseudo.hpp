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
// time; sys_seconds is UTC) with revision rev, after tag `older` ("" if none;
// its build suffix, e.g. "+incompatible", is kept) on major `major` ("" means
// "v0"; only used when there is no older tag). rev is used as given, as in
// Go: pass the 12-hex-digit commit prefix the go command uses.
std::string pseudo_version(std::string_view major,
                           std::string_view older,
                           SysSeconds t,
                           std::string_view rev);
// module.ZeroPseudoVersion: vX.0.0-00010101000000-000000000000.
std::string zero_pseudo_version(std::string_view major);

// module.IsPseudoVersion: valid semver in one of the three forms above.
bool is_pseudo_version(std::string_view v);
// module.IsZeroPseudoVersion: v is zero_pseudo_version(its own major).
bool is_zero_pseudo_version(std::string_view v);

// module.PseudoVersionTime / Rev / Base. Errors read like Go's
// ("pseudo-version \"v1\" invalid: syntax error"). The base of a vX.0.0
// form is "" (no base tag); vX.Y.0-0.… has none either and is an error.
Result<SysSeconds> pseudo_version_time(std::string_view v);
Result<std::string> pseudo_version_rev(std::string_view v);
Result<std::string> pseudo_version_base(std::string_view v);

} // namespace gpx::gomod
