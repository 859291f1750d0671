#pragma once

// Slash-separated paths as Go's path package treats them: module zips name
// files with "/" whatever the host system, so these rules are Go's, not the
// filesystem's. Plus cmd/go's str.HasPathPrefix, which the module rules use
// beside them.

#include <gomod/result.hpp>

#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace gpx::gomod::path {

// path.Clean: the shortest equivalent path ("a//b/../c" → "a/c", "" → ".").
std::string clean(std::string_view p);

// path.Split: everything up to and including the last '/', and the rest
// ("a/b" → "a/", "b"; "go.mod" → "", "go.mod").
std::pair<std::string_view, std::string_view> split(std::string_view p);

// path.Join: the non-empty elements joined by '/' and cleaned; "" if all
// are empty.
std::string join(std::span<const std::string_view> elems);
std::string join(std::string_view a, std::string_view b);

// path.Dir: all but the last element, cleaned ("a/b" → "a", "b" → ".").
std::string dir(std::string_view p);

// path.Base: the last element, trailing slashes dropped ("" → ".", "//" → "/").
std::string_view base(std::string_view p);

// path.Ext: the suffix from the last '.' of the last element, or "".
std::string_view ext(std::string_view p);

// path.IsAbs.
bool is_abs(std::string_view p);

// path.Match: name against a shell pattern whose '*' and '?' never match a
// '/'. invalid for a malformed pattern (Go's ErrBadPattern), reported
// whatever the name, as Go does.
Result<bool> match(std::string_view pattern, std::string_view name);

// cmd/go/internal/str.HasPathPrefix: s is prefix or lies below it, element
// by element ("a/bc" is not under "a/b"); everything is under "".
bool has_path_prefix(std::string_view s, std::string_view prefix);

} // namespace gpx::gomod::path
