#include "vcs.hpp"

#include "format.hpp"
#include "path.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <memory>
#include <set>

namespace gpx::gomod::vcs {

namespace {

const std::vector<std::string> k_vcs = {"hg", "git", "svn", "bzr", "fossil"};

// The go command's patterns are RE2's (Go's regexp): linear time whatever
// the input, which a backtracking matcher is not (a 50-character path of
// ".a" took minutes with std::regex). So they run on RE2 here too.
struct Site
{
  const char* prefix;
  std::unique_ptr<re2::RE2> re; // group 1: root
  bool no_vcs_suffix;
};

std::unique_ptr<re2::RE2>
compile(const char* pattern)
{
  auto re = std::make_unique<re2::RE2>(pattern);
  assert(re->ok());
  return re;
}

const std::vector<Site>&
sites()
{
  // vcsPaths (vcs.go), git hosting sites only: the other systems are not
  // supported by gpx.
  static const std::vector<Site> s = [] {
    std::vector<Site> v;
    v.push_back({"github.com",
                 compile(R"(^(github\.com/[\w.\-]+/[\w.\-]+)(/[\w.\-]+)*$)"),
                 true});
    v.push_back({"bitbucket.org",
                 compile(R"(^(bitbucket\.org/[\w.\-]+/[\w.\-]+)(/[\w.\-]+)*$)"),
                 true});
    v.push_back(
      {"hub.jazz.net/git",
       compile(R"(^(hub\.jazz\.net/git/[a-z0-9]+/[\w.\-]+)(/[\w.\-]+)*$)"),
       true});
    v.push_back(
      {"git.apache.org",
       compile(R"(^(git\.apache\.org/[a-z0-9_.\-]+\.git)(/[\w.\-]+)*$)"),
       false});
    v.push_back(
      {"git.openstack.org",
       compile(
         R"(^(git\.openstack\.org/[\w.\-]+/[\w.\-]+)(\.git)?(/[\w.\-]+)*$)"),
       false});
    return v;
  }();
  return s;
}

std::string
lower(std::string_view s)
{
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return out;
}

std::string
decode_entities(std::string_view s)
{
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    auto semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 8) {
      out += s[i];
      continue;
    }
    auto name = s.substr(i + 1, semi - i - 1);
    if (name == "amp") {
      out += '&';
    } else if (name == "lt") {
      out += '<';
    } else if (name == "gt") {
      out += '>';
    } else if (name == "quot") {
      out += '"';
    } else if (name == "apos" || name == "#39") {
      out += '\'';
    } else {
      out += s.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

// The attributes of a tag's text ("meta name=go-import content='…'").
std::vector<std::pair<std::string, std::string>>
attributes(std::string_view tag)
{
  std::vector<std::pair<std::string, std::string>> attrs;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) {
      ++i;
    }
  };
  while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i]))) {
    ++i; // the element name
  }
  while (true) {
    skip_space();
    if (i >= tag.size() || tag[i] == '/' || tag[i] == '>') {
      if (i < tag.size() && tag[i] == '/') {
        ++i;
        continue;
      }
      break;
    }
    auto start = i;
    while (i < tag.size() && tag[i] != '=' && tag[i] != '>' && tag[i] != '/'
           && !std::isspace(static_cast<unsigned char>(tag[i]))) {
      ++i;
    }
    std::string name = lower(tag.substr(start, i - start));
    skip_space();
    std::string value;
    if (i < tag.size() && tag[i] == '=') {
      ++i;
      skip_space();
      if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
        char q = tag[i++];
        auto end = tag.find(q, i);
        end = end == std::string_view::npos ? tag.size() : end;
        value = decode_entities(tag.substr(i, end - i));
        i = std::min(tag.size(), end + 1);
      } else {
        auto vstart = i;
        while (i < tag.size()
               && !std::isspace(static_cast<unsigned char>(tag[i]))
               && tag[i] != '>') {
          ++i;
        }
        value = decode_entities(tag.substr(vstart, i - vstart));
      }
    }
    if (!name.empty()) {
      attrs.emplace_back(name, value);
    }
  }
  return attrs;
}

} // namespace

Result<std::optional<RepoRoot>>
static_repo_root(std::string_view path)
{
  if (path.starts_with("https:") || path.starts_with("http:")) {
    return Error::invalid(
      format("{:?} not allowed in import path",
             std::string(path.substr(0, path.find(':') + 1)) + "//"));
  }
  std::string p(path);
  for (const auto& site : sites()) {
    if (!gomod::path::has_path_prefix(p, site.prefix)) {
      continue;
    }
    std::string root;
    if (!re2::RE2::FullMatch(p, *site.re, &root)) {
      return Error::invalid(
        format("invalid {} import path {:?}", site.prefix, path));
    }
    RepoRoot r{root, "https://" + root, false, "git"};
    if (site.no_vcs_suffix) {
      for (const auto& v : k_vcs) {
        if (r.repo.ends_with("." + v)) {
          return Error::invalid(
            format("invalid version control suffix in {}/ path", site.prefix));
        }
      }
    }
    return std::optional(r);
  }
  // The general form: host/path/repo.VCS[/sub…].
  static const auto general = compile(
    R"((((?:[a-z0-9.\-]+\.)+[a-z0-9.\-]+(?::[0-9]+)?(?:/~?[\w.\-]+)+?)\.(bzr|fossil|git|hg|svn))(/~?[\w.\-]+)*$)");
  std::string root;
  std::string repo;
  std::string vcs;
  // Leftmost match, as Go's FindStringSubmatch.
  if (re2::RE2::PartialMatch(p, *general, &root, &repo, &vcs)) {
    // The repository is named without its ".git" (cmd/go pings
    // scheme://host/path/repo), the root with it.
    return std::optional(RepoRoot{root, repo, true, vcs});
  }
  return std::optional<RepoRoot>();
}

std::vector<MetaImport>
parse_meta_go_imports(std::string_view html, bool prefer_mod)
{
  std::vector<MetaImport> imports;
  std::string low = lower(html);
  std::size_t pos = 0;
  while (true) {
    auto lt = low.find('<', pos);
    if (lt == std::string::npos) {
      break;
    }
    auto gt = low.find('>', lt);
    if (gt == std::string::npos) {
      break;
    }
    std::string_view tag_low =
      std::string_view(low).substr(lt + 1, gt - lt - 1);
    pos = gt + 1;
    auto starts = [&](std::string_view name) {
      return tag_low.starts_with(name)
             && (tag_low.size() == name.size()
                 || std::isspace(
                   static_cast<unsigned char>(tag_low[name.size()]))
                 || tag_low[name.size()] == '/');
    };
    if (starts("body") || starts("/head")) {
      break;
    }
    if (!starts("meta")) {
      continue;
    }
    std::string name;
    std::string content;
    for (const auto& [k, v] : attributes(html.substr(lt + 1, gt - lt - 1))) {
      if (k == "name" && name.empty()) {
        name = v;
      } else if (k == "content" && content.empty()) {
        content = v;
      }
    }
    if (name != "go-import") {
      continue;
    }
    std::vector<std::string> f;
    std::size_t i = 0;
    while (i < content.size()) {
      while (i < content.size()
             && std::isspace(static_cast<unsigned char>(content[i]))) {
        ++i;
      }
      auto start = i;
      while (i < content.size()
             && !std::isspace(static_cast<unsigned char>(content[i]))) {
        ++i;
      }
      if (i > start) {
        f.push_back(content.substr(start, i - start));
      }
    }
    if (f.size() == 3 || f.size() == 4) {
      imports.push_back({f[0], f[1], f[2], f.size() == 4 ? f[3] : ""});
    }
  }
  std::vector<MetaImport> list;
  std::set<std::string> mod_prefixes;
  for (const auto& m : imports) {
    if (prefer_mod && m.vcs == "mod") {
      mod_prefixes.insert(m.prefix);
      list.push_back(m);
    }
  }
  for (const auto& m : imports) {
    if (m.vcs != "mod" && mod_prefixes.count(m.prefix) == 0) {
      list.push_back(m);
    }
  }
  return list;
}

Result<MetaImport>
match_go_import(const std::vector<MetaImport>& imports, std::string_view path)
{
  int match = -1;
  std::vector<std::string> mismatches;
  for (std::size_t i = 0; i < imports.size(); ++i) {
    const auto& im = imports[i];
    if (!gomod::path::has_path_prefix(path, im.prefix)) {
      mismatches.push_back(im.prefix);
      continue;
    }
    if (match >= 0) {
      if (imports[static_cast<std::size_t>(match)].vcs == "mod"
          && im.vcs != "mod") {
        break;
      }
      return Error::invalid(
        format("multiple meta tags match import path {:?}", path));
    }
    match = static_cast<int>(i);
  }
  if (match < 0) {
    std::string list;
    for (const auto& m : mismatches) {
      list += (list.empty() ? "" : ", ") + m;
    }
    return Error::not_found(
      mismatches.empty()
        ? format("{}: no go-import meta tags", path)
        : format("{}: go-import meta tags only for {}", path, list));
  }
  return imports[static_cast<std::size_t>(match)];
}

Status
check_discovered_repo_root(std::string_view root)
{
  auto bad = [&](std::string_view why) {
    return Error::invalid(format("invalid repo root {:?}: {}", root, why));
  };
  auto colon = root.find("://");
  if (colon == std::string_view::npos || colon == 0) {
    return bad("no scheme");
  }
  auto scheme = lower(root.substr(0, colon));
  if (scheme == "file") {
    return bad("file scheme disallowed");
  }
  if (scheme != "https" && scheme != "ssh" && scheme != "git+ssh") {
    return bad(
      format("scheme {:?} is not one git may use securely over the network "
             "(https, ssh)",
             scheme));
  }
  auto rest = root.substr(colon + 3);
  auto host = rest.substr(0, rest.find('/'));
  if (auto at = host.rfind('@'); at != std::string_view::npos) {
    host = host.substr(at + 1);
  }
  if (auto port = host.rfind(':'); port != std::string_view::npos) {
    host = host.substr(0, port);
  }
  bool valid = !host.empty() && host.front() != '.' && host.front() != '-';
  for (char c : host) {
    valid =
      valid
      && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-');
  }
  return valid ? Status{} : bad("no valid host");
}

} // namespace gpx::gomod::vcs
