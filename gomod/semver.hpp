#pragma once

// Semantic versions as the go command reads them: golang.org/x/mod/semver.
// A version must start with "v"; "v1" and "v1.2" are valid shorthands for
// "v1.0.0" and "v1.2.0"; build metadata is kept by is_valid but dropped by
// canonical.

#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::semver {

bool is_valid(std::string_view v);
// "v1.2" → "v1.2.0", "v1.2.3+meta" → "v1.2.3", invalid → "".
std::string canonical(std::string_view v);
// "v1.2.3" → "v1", invalid → "".
std::string major(std::string_view v);
// "v1.2.3" → "v1.2", invalid → "".
std::string major_minor(std::string_view v);
// "v1.2.3-pre+meta" → "-pre", none or invalid → "".
std::string prerelease(std::string_view v);
// "v1.2.3+meta" → "+meta", none or invalid → "".
std::string build(std::string_view v);
// -1, 0, +1; an invalid version sorts below every valid one, and two invalid
// versions compare equal.
int compare(std::string_view v, std::string_view w);
// semver.Max: canonicalizes both and returns the greater; on a tie (equal
// precedence, or both invalid) the canonical form of w, so "" when both are
// invalid and canonical(v) when only w is.
std::string max(std::string_view v, std::string_view w);
// Sorts ascending by compare, then lexically to break ties (semver.Sort).
void sort(std::vector<std::string>& list);

} // namespace gpx::gomod::semver
