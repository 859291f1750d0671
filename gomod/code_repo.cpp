#include "code_repo.hpp"

#include "format.hpp"
#include "modfile.hpp"
#include "modfile_read.hpp"
#include "module.hpp"
#include "path.hpp"
#include "pseudo.hpp"
#include "repo_versions.hpp"
#include "semver.hpp"
#include "sha256.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>

namespace gpx::gomod {

namespace {

constexpr std::size_t k_short_hash = 12;

// isMajor: whether the module path a go.mod declares fits path_major.
bool
is_major(const std::string& mpath, const std::string& path_major)
{
  if (mpath.empty()) {
    return false;
  }
  auto split = split_path_version(mpath);
  if (!split.ok) {
    return false;
  }
  if (path_major.empty()) {
    if (split.path_major.empty()) {
      return true;
    }
    auto p = path_major_prefix(split.path_major);
    return p == "v0" || p == "v1";
  }
  if (split.path_major.empty()) {
    return false;
  }
  return path_major.substr(1) == split.path_major.substr(1);
}

std::string
utc_time(std::int64_t t, const char* layout)
{
  auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, layout, &tm);
  return std::string(buf, n);
}

void
json_string(std::string& out, std::string_view s)
{
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '<':
      out += "\\u003c";
      break;
    case '>':
      out += "\\u003e";
      break;
    case '&':
      out += "\\u0026";
      break;
    default:
      if (c < 0x20) {
        out += format("\\u{:04x}", c);
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
}

// Go's %q for a tag name: quoted, with the escapes strconv.Quote uses for
// the bytes a git ref name can hold.
std::string
go_quote(std::string_view s)
{
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// codehost.isOriginTag: a tag that could name a version or a pseudo-version
// base.
bool
is_origin_tag(std::string_view tag)
{
  std::string c = semver::canonical(tag);
  return !c.empty() && tag.starts_with(c) && !is_pseudo_version(tag);
}

// Whether v lies in one of the [low, high] ranges of a go.mod's retract
// directives.
bool
is_retracted(const std::vector<std::pair<std::string, std::string>>& retracted,
             const std::string& v)
{
  return std::any_of(retracted.begin(), retracted.end(), [&](const auto& r) {
    return semver::compare(r.first, v) <= 0
           && semver::compare(v, r.second) <= 0;
  });
}

// What findDir's messages name: the module's layout and the revision asked
// for, as the version names it.
struct DirNames
{
  const std::string& code_root;
  const std::string& path_prefix;
  const std::string& path_major;
  std::string rev;
};

// A go.mod findDir weighs: its file, its content (nullopt when there is no
// such file) and the module path it declares ("" for none).
struct GoModAt
{
  std::string file;
  std::optional<std::string> content;
  std::string mpath;
};

Result<GoModAt>
read_go_mod_at(const CodeHost& host, const std::string& hash, std::string file)
{
  auto content = host.read_file(hash, file, zip::k_max_go_mod);
  if (!content) {
    return content.error();
  }
  std::string mpath =
    content->has_value() ? modfile::module_path(**content) : "";
  return GoModAt{std::move(file), std::move(*content), std::move(mpath)};
}

// An old go command accepted an unversioned gopkg.in go.mod for a module
// without a major suffix; what it accepted stays usable.
bool
can_replace_mismatched_version_due_to_bug(const std::string& mpath,
                                          const std::string& path_major)
{
  return path_major.empty() && mpath.starts_with("gopkg.in/");
}

// findDir's refusals, each ending with the revision.
Error
refusal(const DirNames& n, std::string what)
{
  return Error::not_found(format("{} at revision {}", what, n.rev));
}

// Either go.mod claims vN and vN/go.mod does not exist, or vN/go.mod exists
// and claims vN: not both, and a vN/go.mod claiming anything else is an
// error rather than absent. Only the major suffix is checked, so that a fork
// under another path can serve in a replace directive.
Status
check_major_subdir(const GoModAt& go_mod1,
                   bool found1,
                   const GoModAt& go_mod2,
                   bool found2,
                   const DirNames& n)
{
  if (found1 && found2) {
    return refusal(n,
                   format("{}/{} and ...{}/go.mod both have ...{} module paths",
                          n.path_prefix,
                          go_mod1.file,
                          n.path_major,
                          n.path_major));
  }
  if (found2 || !go_mod2.content) {
    return {};
  }
  if (go_mod2.mpath.empty()) {
    return refusal(
      n, format("{}/{} is missing module path", n.code_root, go_mod2.file));
  }
  return refusal(n,
                 format("{}/{} has non-...{} module path {:?}",
                        n.code_root,
                        go_mod2.file,
                        n.path_major,
                        go_mod2.mpath));
}

// An explicit go.mod whose module path does not fit the version's major:
// the message says how it does not.
Error
mismatched_go_mod(const GoModAt& go_mod1,
                  bool has_file2,
                  const DirNames& n,
                  const std::string& version)
{
  std::string suffix =
    has_file2 ? format(" (and ...{}/go.mod does not exist)", n.path_major) : "";
  if (go_mod1.mpath.empty()) {
    return refusal(n,
                   format("{} is missing module path{}", go_mod1.file, suffix));
  }
  if (!n.path_major.empty()) {
    return refusal(n,
                   format("{} has non-...{} module path {:?}{}",
                          go_mod1.file,
                          n.path_major,
                          go_mod1.mpath,
                          suffix));
  }
  if (!split_path_version(go_mod1.mpath).ok) {
    return refusal(n,
                   format("{} has malformed module path {:?}{}",
                          go_mod1.file,
                          go_mod1.mpath,
                          suffix));
  }
  return refusal(n,
                 format("{} has post-{} module path {:?}{}",
                        go_mod1.file,
                        semver::major(version),
                        go_mod1.mpath,
                        suffix));
}

// No go.mod where one is required (below the root, or at v2 and up): the
// message names every place one could be.
Error
missing_go_mod(bool has_file2, const DirNames& n)
{
  if (has_file2) {
    return refusal(n,
                   format("missing {}/go.mod and ...{}/go.mod",
                          n.path_prefix,
                          n.path_major));
  }
  return refusal(n, format("missing {}/go.mod", n.path_prefix));
}

} // namespace

std::string
info_json(const CodeInfo& info)
{
  std::string out = "{\"Version\":";
  json_string(out, info.version);
  out += ",\"Time\":";
  json_string(out, utc_time(info.time, "%Y-%m-%dT%H:%M:%SZ"));
  const auto& o = info.origin;
  if (!o.vcs.empty()) {
    out += ",\"Origin\":{";
    bool first = true;
    auto field = [&](std::string_view name, const std::string& value) {
      if (value.empty()) {
        return;
      }
      out += first ? "\"" : ",\"";
      first = false;
      out += name;
      out += "\":";
      json_string(out, value);
    };
    field("VCS", o.vcs);
    field("URL", o.url);
    field("Subdir", o.subdir);
    field("Hash", o.hash);
    field("TagPrefix", o.tag_prefix);
    field("TagSum", o.tag_sum);
    field("Ref", o.ref);
    field("RepoSum", o.repo_sum);
    out += "}";
  }
  out += "}";
  return out;
}

Result<CodeRepo>
CodeRepo::make(const CodeHost& host,
               std::string module_path,
               std::string code_root,
               std::string_view subdir)
{
  if (auto ok = check_path(module_path); !ok) {
    return ok.error();
  }
  if (!path::has_path_prefix(module_path, code_root)) {
    return Error::invalid(
      format("mismatched repo: found {} for {}", code_root, module_path));
  }
  auto split = split_path_version(module_path);
  if (!split.ok) {
    return Error::invalid(format("invalid module path {:?}", module_path));
  }
  CodeRepo r(host);
  r.m_path_prefix = code_root == module_path ? module_path : split.prefix;
  r.m_path_major = split.path_major;
  r.m_pseudo_major =
    split.path_major.empty() ? "" : path_major_prefix(split.path_major);
  if (code_root != module_path) {
    if (!path::has_path_prefix(r.m_path_prefix, code_root)) {
      return Error::invalid(
        format("repository rooted at {} cannot contain module {}",
               code_root,
               module_path));
    }
    std::string_view rest =
      std::string_view(r.m_path_prefix).substr(code_root.size());
    while (!rest.empty() && rest.front() == '/') {
      rest.remove_prefix(1);
    }
    while (!rest.empty() && rest.back() == '/') {
      rest.remove_suffix(1);
    }
    r.m_code_dir = std::string(rest);
  }
  if (!subdir.empty()) {
    r.m_code_dir = path::join(r.m_code_dir, subdir);
  }
  r.m_mod_path = std::move(module_path);
  r.m_code_root = std::move(code_root);
  return r;
}

Result<std::vector<std::string>>
CodeRepo::versions() const
{
  std::vector<std::string> tags;
  for (const auto& [ref, hash] : m_host->refs()) {
    if (ref.starts_with("refs/tags/")) {
      tags.push_back(ref.substr(10));
    }
  }
  return versions_from_tags(
    m_mod_path, m_code_dir, tags, [&](const std::string& tag) -> Result<bool> {
      auto rev = m_host->stat(tag);
      if (!rev) {
        return rev.error();
      }
      auto f = m_host->read_file(rev->hash, "go.mod", zip::k_max_go_mod);
      if (!f) {
        return f.error();
      }
      return f->has_value();
    });
}

std::string
CodeRepo::rev_of(const std::string& version) const
{
  if (is_pseudo_version(version)) {
    auto rev = pseudo_version_rev(version);
    return rev ? *rev : version;
  }
  std::string v = version;
  if (semver::build(v) == "+incompatible") {
    v.resize(v.size() - std::strlen("+incompatible"));
  }
  return m_code_dir.empty() ? v : m_code_dir + "/" + v;
}

Result<CodeRepo::Found>
CodeRepo::find_dir(const std::string& version) const
{
  if (!semver::is_valid(version)) {
    return Error::not_found(
      format("{}@{}: invalid version: syntax error", m_mod_path, version));
  }
  const DirNames names{
    m_code_root, m_path_prefix, m_path_major, rev_of(version)};
  auto rev = m_host->stat(names.rev);
  if (!rev) {
    return rev.error();
  }
  const std::string& hash = rev->hash;
  // go.mod is read first but weighed only once vN/go.mod is ruled out.
  auto go_mod1 =
    read_go_mod_at(*m_host, hash, path::join(m_code_dir, "go.mod"));
  if (!go_mod1) {
    return go_mod1.error();
  }
  const bool found1 = go_mod1->content
                      && (is_major(go_mod1->mpath, m_path_major)
                          || can_replace_mismatched_version_due_to_bug(
                            go_mod1->mpath, m_path_major));
  // Only a /vN module below its repository's root may live in a vN
  // subdirectory; gopkg.in's .vN never does.
  const bool has_file2 = !m_path_major.empty() && m_code_root != m_mod_path
                         && m_path_major[0] != '.';
  if (has_file2) {
    std::string dir2 = path::join(m_code_dir, m_path_major.substr(1));
    auto go_mod2 = read_go_mod_at(*m_host, hash, path::join(dir2, "go.mod"));
    if (!go_mod2) {
      return go_mod2.error();
    }
    const bool found2 =
      go_mod2->content && is_major(go_mod2->mpath, m_path_major);
    GPX_TRY(check_major_subdir(*go_mod1, found1, *go_mod2, found2, names));
    if (found2) {
      return Found{hash, std::move(dir2), std::move(go_mod2->content)};
    }
  }
  if (found1) {
    return Found{hash, m_code_dir, std::move(go_mod1->content)};
  }
  if (go_mod1->content) {
    return mismatched_go_mod(*go_mod1, has_file2, names, version);
  }
  if (m_code_dir.empty() && (m_path_major.empty() || m_path_major[0] == '.')) {
    // An implicit go.mod at the repository's root: v0, v1 and gopkg.in.
    return Found{hash, "", std::nullopt};
  }
  return missing_go_mod(has_file2, names);
}

std::vector<std::pair<std::string, std::string>>
CodeRepo::retractions() const
{
  auto list = versions();
  if (!list) {
    return {};
  }
  std::vector<std::string> vs;
  for (const auto& v : *list) {
    if (v.ends_with("+incompatible")) {
      break; // they sort last and never carry a go.mod
    }
    vs.push_back(v);
  }
  if (vs.empty()) {
    return {};
  }
  std::string highest;
  for (auto it = vs.rbegin(); it != vs.rend(); ++it) {
    if (semver::prerelease(*it).empty()) {
      highest = *it;
      break;
    }
  }
  if (highest.empty()) {
    highest = vs.back();
  }
  auto data = go_mod(highest);
  if (!data) {
    return {};
  }
  auto f = modfile::parse_lax("go.mod", *data);
  if (!f) {
    return {};
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : f->retract) {
    out.emplace_back(r.low, r.high);
  }
  return out;
}

std::optional<std::string>
CodeRepo::tag_to_version(const std::string& tag, bool* canonical) const
{
  *canonical = false;
  std::string prefix = m_code_dir.empty() ? "" : m_code_dir + "/";
  if (!tag.starts_with(prefix)) {
    return std::nullopt;
  }
  std::string trimmed = tag.substr(prefix.size());
  if (is_pseudo_version(tag)) {
    return std::nullopt;
  }
  std::string v = semver::canonical(trimmed);
  if (v.empty() || !trimmed.starts_with(v)) {
    return std::nullopt;
  }
  *canonical = v == trimmed;
  return v;
}

bool
CodeRepo::can_use_incompatible(const CodeRev& info,
                               const std::string& v,
                               const std::string& stat_vers) const
{
  if (!m_code_dir.empty() || !m_path_major.empty()) {
    return false;
  }
  auto root = m_host->read_file(info.hash, "go.mod", zip::k_max_go_mod);
  if (!root || root->has_value()) {
    return false;
  }
  if (!v.empty() && !stat_vers.ends_with("+incompatible")) {
    auto sub = m_host->read_file(
      info.hash, semver::major(v) + "/go.mod", zip::k_max_go_mod);
    if (!sub || sub->has_value()) {
      return false;
    }
  }
  return true;
}

CodeOrigin
CodeRepo::origin_of(const CodeRev& info) const
{
  CodeOrigin o;
  o.vcs = "git";
  o.url = m_host->url();
  o.subdir = m_code_dir;
  o.hash = info.hash;
  return o;
}

Result<CodeInfo>
CodeRepo::check_canonical(const CodeRev& info,
                          std::string v,
                          const std::string& stat_vers) const
{
  if (auto found = find_dir(v); !found) {
    return Error::not_found(format(
      "{}@{}: invalid version: {}", m_mod_path, v, found.error().message));
  }
  auto invalid = [&](const std::string& why) {
    return Error::not_found(
      format("{}@{}: invalid version: {}", m_mod_path, v, why));
  };
  std::string stat_base = stat_vers;
  if (stat_base.ends_with("+incompatible")) {
    stat_base.resize(stat_base.size() - std::strlen("+incompatible"));
  }
  if (v == stat_base) {
    v = stat_vers;
  }
  std::string base = v.ends_with("+incompatible")
                       ? v.substr(0, v.size() - std::strlen("+incompatible"))
                       : v;
  std::optional<Error> incompatible_error;
  if (!match_path_major(base, m_path_major)) {
    if (can_use_incompatible(info, base, stat_vers)) {
      v = base + "+incompatible";
    } else if (!m_path_major.empty()) {
      incompatible_error = invalid(
        "module path includes a major version suffix, so major version must "
        "match");
    } else {
      incompatible_error =
        invalid(format("module contains a go.mod file, so module path must "
                       "match major version ({:?})",
                       m_path_prefix + "/" + semver::major(v)));
    }
  } else if (v.ends_with("+incompatible")) {
    incompatible_error = invalid(
      format("+incompatible suffix not allowed: major version {} is compatible",
             semver::major(v)));
  }
  if (!stat_vers.empty() && stat_vers == canonical_version(stat_vers)
      && stat_base != base) {
    return Error::not_found(
      format("{}@{}: invalid version: resolves to version {} ({} is not a tag)",
             m_mod_path,
             stat_vers,
             v,
             stat_base));
  }
  if (incompatible_error) {
    return *incompatible_error;
  }
  CodeInfo out;
  out.version = v;
  out.time = info.time;
  out.origin = origin_of(info);
  return out;
}

Status
CodeRepo::validate_pseudo_version(const CodeRev& info,
                                  const std::string& version) const
{
  auto bad = [&](const std::string& why) {
    return Error::not_found(
      format("{}@{}: invalid pseudo-version: {}", m_mod_path, version, why));
  };
  auto rev = pseudo_version_rev(version);
  if (!rev) {
    return bad(rev.error().message);
  }
  std::string short_hash = info.hash.substr(0, k_short_hash);
  if (*rev != short_hash) {
    if (rev->starts_with(short_hash)) {
      return bad(
        format("revision is longer than canonical (expected {})", short_hash));
    }
    if (short_hash.starts_with(*rev)) {
      return bad(
        format("revision is shorter than canonical (expected {})", short_hash));
    }
    return bad(format("does not match short name of revision (expected {})",
                      short_hash));
  }
  auto t = pseudo_version_time(version);
  if (!t) {
    return bad(t.error().message);
  }
  if (t->time_since_epoch().count() != info.time) {
    return bad(format("does not match version-control timestamp (expected {})",
                      utc_time(info.time, "%Y%m%d%H%M%S")));
  }
  std::string tag_prefix = m_code_dir.empty() ? "" : m_code_dir + "/";
  std::string trimmed =
    version.ends_with("+incompatible")
      ? version.substr(0, version.size() - std::strlen("+incompatible"))
      : version;
  auto base = pseudo_version_base(trimmed);
  if (!base) {
    return bad(base.error().message);
  }
  if (base->empty()) {
    if (m_pseudo_major.empty() && semver::major(version) == "v1") {
      return bad("major version without preceding tag must be v0, not v1");
    }
    return {};
  }
  for (const auto& tag : info.tags) {
    if (tag.starts_with(tag_prefix) && tag.substr(tag_prefix.size()) == *base) {
      return bad(
        format("tag ({}) found on revision {} is already canonical, so should "
               "not be replaced with a pseudo-version derived from that tag",
               tag,
               *rev));
    }
  }
  std::string last_tag;
  for (const auto& [ref, hash] : m_host->refs()) {
    if (!ref.starts_with("refs/tags/" + tag_prefix + *base)) {
      continue;
    }
    std::string tag = ref.substr(10);
    if (semver::compare(tag.substr(tag_prefix.size()), *base) != 0) {
      continue;
    }
    last_tag = tag;
    auto ok = m_host->is_ancestor(hash, info.hash);
    if (ok && *ok) {
      return {};
    }
  }
  if (last_tag.empty()) {
    return bad(format("preceding tag ({}) not found", *base));
  }
  return bad(format(
    "revision {} is not a descendent of preceding tag ({})", *rev, last_tag));
}

Result<CodeInfo>
CodeRepo::convert(const CodeRev& info,
                  const std::string& version_hint,
                  const std::string& stat_vers) const
{
  auto out = convert_version(info, version_hint, stat_vers);
  if (out && is_pseudo_version(out->version)
      && (out->version != stat_vers || !out->version.starts_with("v0.0.0-"))) {
    // The tags a pseudo-version was computed from, so a client can tell
    // later whether it still holds (codehost Tags: TagPrefix, TagSum).
    std::string prefix = m_code_dir.empty() ? "" : m_code_dir + "/";
    if (!m_path_major.empty()) {
      prefix += m_path_major.substr(1) + ".";
    }
    std::string dir = prefix.substr(
      0, prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/') + 1);
    Sha256 h;
    for (const auto& [ref, hash] : m_host->refs()) { // sorted by name
      if (!ref.starts_with("refs/tags/" + prefix)) {
        continue;
      }
      std::string tag = ref.substr(10);
      if (is_origin_tag(std::string_view(tag).substr(dir.size()))) {
        h.update(go_quote(tag) + " " + hash + "\n");
      }
    }
    out->origin.tag_prefix = prefix;
    out->origin.tag_sum = "t1:" + h.base64_digest();
  }
  return out;
}

Result<CodeInfo>
CodeRepo::convert_version(const CodeRev& info,
                          const std::string& version_hint,
                          const std::string& stat_vers) const
{
  if (is_pseudo_version(stat_vers)) {
    auto out = check_canonical(info, stat_vers, stat_vers);
    if (!out) {
      return out;
    }
    if (auto ok = validate_pseudo_version(info, stat_vers); !ok) {
      return ok.error();
    }
    return out;
  }
  const auto retracted = retractions();

  bool canonical = false;
  if (auto v = tag_to_version(version_hint, &canonical); v && canonical) {
    if (auto out = check_canonical(info, *v, stat_vers)) {
      return out;
    }
  }
  std::string highest_canonical;
  std::string pseudo_base;
  for (const auto& tag : info.tags) {
    auto v = tag_to_version(tag, &canonical);
    if (!v) {
      continue;
    }
    if (!stat_vers.empty() && semver::compare(*v, stat_vers) == 0) {
      if (canonical) {
        return check_canonical(info, *v, stat_vers);
      }
      pseudo_base = *v;
    }
    if (canonical && semver::compare(highest_canonical, *v) < 0
        && !is_retracted(retracted, *v)) {
      if (match_path_major(*v, m_path_major)
          || can_use_incompatible(info, *v, stat_vers)) {
        highest_canonical = *v;
      }
    }
  }
  if (!highest_canonical.empty()) {
    return check_canonical(info, highest_canonical, stat_vers);
  }
  if (pseudo_base.empty()) {
    auto base = ancestor_tag_base(info, stat_vers, retracted);
    if (!base) {
      return base.error();
    }
    pseudo_base = std::move(*base);
  }
  auto pv =
    pseudo_version(m_pseudo_major,
                   pseudo_base,
                   std::chrono::sys_seconds(std::chrono::seconds(info.time)),
                   info.hash.substr(0, k_short_hash));
  return check_canonical(info, pv, stat_vers);
}

Result<std::string>
CodeRepo::ancestor_tag_base(
  const CodeRev& info,
  const std::string& stat_vers,
  const std::vector<std::pair<std::string, std::string>>& retracted) const
{
  bool canonical = false;
  std::string tag_prefix = m_code_dir.empty() ? "" : m_code_dir + "/";
  // Highest first, so the ancestry walk stops at the first hit.
  std::vector<std::pair<std::string, std::string>>
    candidates; // semver part, commit
  for (const auto& [ref, hash] : m_host->refs()) {
    if (ref.starts_with("refs/tags/" + tag_prefix)
        && tag_to_version(ref.substr(10), &canonical)) {
      candidates.emplace_back(ref.substr(10 + tag_prefix.size()), hash);
    }
  }
  std::stable_sort(
    candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
      return semver::compare(a.first, b.first) > 0;
    });
  std::string highest;
  for (const auto& [semtag, hash] : candidates) {
    auto v = tag_to_version(tag_prefix + semtag, &canonical);
    if (!match_path_major(*v, m_path_major)
        && !can_use_incompatible(info, *v, stat_vers)) {
      continue;
    }
    if (is_retracted(retracted, *v)) {
      continue;
    }
    auto merged = m_host->is_ancestor(hash, info.hash);
    if (!merged) {
      return merged.error();
    }
    if (*merged) {
      highest = semtag;
      break;
    }
  }
  if (highest.empty()) {
    return std::string();
  }
  std::string base = semver::canonical(highest);
  bool c = false;
  if (auto v = tag_to_version(tag_prefix + highest, &c)) {
    base = *v;
  }
  return base;
}

Result<CodeInfo>
CodeRepo::stat(const std::string& rev) const
{
  if (rev == "latest") {
    return latest();
  }
  std::string code_rev = semver::is_valid(rev) ? rev_of(rev) : rev;
  auto info = m_host->stat(code_rev);
  if (!info) {
    if (info.error().code == Error::Code::not_found) {
      return Error::not_found(
        format("{}@{}: invalid version: unknown revision {}",
               m_mod_path,
               rev,
               code_rev));
    }
    return info.error();
  }
  // codehost's Version: the caller's name for it when that is a tag on it.
  std::string hint = info->hash;
  if (std::find(info->tags.begin(), info->tags.end(), code_rev)
      != info->tags.end()) {
    hint = code_rev;
  }
  auto out = convert(*info, hint, rev);
  if (out) {
    std::string ref;
    auto refs = m_host->refs();
    if (refs.count("refs/tags/" + code_rev) != 0) {
      ref = "refs/tags/" + code_rev;
    } else if (refs.count("refs/heads/" + code_rev) != 0) {
      ref = "refs/heads/" + code_rev;
    } else if (code_rev == "HEAD") {
      ref = "HEAD";
    }
    out->origin.ref = ref;
  }
  return out;
}

Result<CodeInfo>
CodeRepo::latest() const
{
  auto refs = m_host->refs();
  auto head = refs.find("HEAD");
  if (head == refs.end()) {
    return Error::not_found(format("{}: no commits", m_mod_path));
  }
  auto info = m_host->stat(head->second);
  if (!info) {
    return info.error();
  }
  auto out = convert(*info, info->hash, "");
  if (out) {
    out->origin.ref = "HEAD";
  }
  return out;
}

Result<CodeRepo::Found>
CodeRepo::find_canonical(const std::string& version) const
{
  if (version != canonical_version(version)) {
    return Error::not_found(format("version {} is not canonical", version));
  }
  if (is_pseudo_version(version)) {
    // find_dir looks at the revision alone: the rest of a pseudo-version
    // (time, base) must be checked first, or a bogus one would be served.
    if (auto ok = stat(version); !ok) {
      return ok.error();
    }
  }
  auto found = find_dir(version);
  if (!found) {
    return Error::not_found(format("{}@{}: invalid version: {}",
                                   m_mod_path,
                                   version,
                                   found.error().message));
  }
  return found;
}

Result<std::string>
CodeRepo::go_mod(const std::string& version) const
{
  auto found = find_canonical(version);
  if (!found) {
    return found.error();
  }
  if (found->go_mod) {
    return *found->go_mod;
  }
  // LegacyGoMod; modfile.AutoQuote never quotes a valid module path.
  return format("module {}\n", m_mod_path);
}

Status
CodeRepo::zip(const std::string& version,
              const std::filesystem::path& out) const
{
  auto found = find_canonical(version);
  if (!found) {
    return found.error();
  }
  auto listed = m_host->list_files(found->rev, found->dir);
  if (!listed) {
    return listed.error();
  }
  std::vector<zip::File> files;
  bool have_license = false;
  const CodeHost* host = m_host;
  std::string rev = found->rev;
  std::string dir_prefix = found->dir.empty() ? "" : found->dir + "/";
  for (const auto& f : listed->value_or(std::vector<CodeFile>{})) {
    zip::File z;
    z.path = f.path;
    z.type = f.type;
    z.size = f.size;
    z.open = [host, rev, path = dir_prefix + f.path, id = f.id]() {
      return host->open_archive_blob(rev, path, id);
    };
    if (f.path == "LICENSE") {
      have_license = true;
    }
    files.push_back(std::move(z));
  }
  if (!have_license && !found->dir.empty()) {
    // A module in a subdirectory gets the repository's root LICENSE, raw.
    auto license = host->read_file(rev, "LICENSE", zip::k_max_license);
    if (license && license->has_value()) {
      files.push_back(zip::memory_file("LICENSE", std::move(**license)));
    }
  }
  return zip::create(out, Version{m_mod_path, version}, files);
}

} // namespace gpx::gomod
