#include "repo_locator.hpp"

#include <agent/proxy_list.hpp>
#include <gomod/format.hpp>
#include <gomod/vcs.hpp>

#include <algorithm>
#include <optional>

namespace gpx::agent {

namespace {

constexpr std::uint64_t k_max_discovery_page = 1u << 20;

std::vector<std::string>
split_elements(std::string_view path)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out.emplace_back(path.substr(start));
      break;
    }
    out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

std::string
replace_all(std::string s, std::string_view from, std::string_view to)
{
  for (auto pos = s.find(from); pos != std::string::npos;
       pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// The git_remotes rule for module_path, if one matches: the longest
// matching prefix wins (literal elements over "*"), as git picks among
// url.insteadOf rules.
std::optional<GitRepoLocation>
locate_by_rules(const std::vector<GitRule>& rules,
                const std::string& module_path)
{
  auto elements = split_elements(module_path);
  auto literal_count = [](const GitRule& r) {
    return std::count_if(r.pattern.begin(), r.pattern.end(), [](const auto& e) {
      return e != "*";
    });
  };
  const GitRule* best = nullptr;
  for (const auto& rule : rules) {
    if (rule.pattern.size() > elements.size()) {
      continue;
    }
    bool ok = true;
    for (std::size_t i = 0; i < rule.pattern.size() && ok; ++i) {
      ok = rule.pattern[i] == "*" || rule.pattern[i] == elements[i];
    }
    if (ok
        && (best == nullptr || rule.pattern.size() > best->pattern.size()
            || (rule.pattern.size() == best->pattern.size()
                && literal_count(rule) > literal_count(*best)))) {
      best = &rule;
    }
  }
  if (best == nullptr) {
    return std::nullopt;
  }
  std::string root;
  std::string rest;
  for (std::size_t i = 0; i < best->pattern.size(); ++i) {
    root += (i == 0 ? "" : "/") + elements[i];
    if (i > 0) {
      rest += (i == 1 ? "" : "/") + elements[i];
    }
  }
  auto url = replace_all(
    replace_all(best->url_template, "{root}", root), "{path}", rest);
  return GitRepoLocation{root, {{url, url}}, ""};
}

// The go command's own rules (hosting sites, VCS-qualified paths):
// nullopt when only go-get discovery can tell.
Result<std::optional<GitRepoLocation>>
locate_statically(const std::string& module_path)
{
  auto fixed = gomod::vcs::static_repo_root(module_path);
  if (!fixed) {
    return Error::not_found(
      format("{}: {}", module_path, fixed.error().message));
  }
  if (!fixed->has_value()) {
    return std::optional<GitRepoLocation>();
  }
  const auto& rr = **fixed;
  if (rr.vcs != "git") {
    return Error::not_found(
      format("{}: a {} repository; the agent fetches git repositories only",
             module_path,
             rr.vcs));
  }
  GitRepoLocation where;
  where.root = rr.root;
  if (rr.schemeless) {
    // As the go command pings them: https first, then ssh, each named
    // without the ".git" it gives the root; fetched with it too, since
    // libgit2, unlike git, does not try the suffix itself.
    for (std::string scheme : {"https://", "ssh://"}) {
      where.remotes.push_back({scheme + rr.repo, scheme + rr.repo});
      where.remotes.push_back(
        {scheme + rr.repo + "." + rr.vcs, scheme + rr.repo});
    }
  } else {
    where.remotes = {{rr.repo, rr.repo}};
  }
  return std::optional(where);
}

// go-get discovery: the go-import tag of https://PATH?go-get=1, confirmed
// by its prefix's own page as the go command confirms it (so a page cannot
// claim a repository for paths above it).
Result<GitRepoLocation>
locate_by_discovery(const HttpClientOptions& options,
                    const std::string& module_path)
{
  HttpClient client(options);
  auto discover =
    [&](const std::string& path) -> Result<gomod::vcs::MetaImport> {
    std::string url = "https://" + path + "?go-get=1";
    auto page = client.get(url, k_max_discovery_page);
    // Failures are "not found" for the protocol: the go command asks every
    // prefix of a package path, and one that names no server must not stop it.
    if (!page) {
      return Error::not_found(
        format("{}: go-get discovery: {}; add a git_remotes rule for this path",
               module_path,
               page.error().message));
    }
    if (page->status != 200) {
      return Error::not_found(
        format("{}: go-get discovery: {} answered {}; add a git_remotes rule "
               "for this path",
               module_path,
               redact_url(url),
               page->status));
    }
    auto imports = gomod::vcs::parse_meta_go_imports(page->body, true);
    auto found = gomod::vcs::match_go_import(imports, module_path);
    if (!found) {
      return Error::not_found(format("{}: go-get discovery at {}: {}",
                                     module_path,
                                     redact_url(url),
                                     found.error().message));
    }
    return found;
  };
  auto m = discover(module_path);
  if (!m) {
    return m.error();
  }
  if (m->prefix != module_path) {
    auto again = discover(m->prefix);
    if (!again || !(*again == *m)) {
      return Error::not_found(
        format("{}: go-get discovery: https://{}?go-get=1 and "
               "https://{}?go-get=1 disagree about go-import for {}",
               module_path,
               module_path,
               m->prefix,
               m->prefix));
    }
  }
  if (m->vcs != "git") {
    return Error::not_found(
      format("{}: go-get discovery names a {} repository ({}); the agent "
             "fetches git repositories only",
             module_path,
             m->vcs,
             m->repo_root));
  }
  // A hostile page must not point the agent at a local repository (file://)
  // or an insecure transport.
  if (auto ok = gomod::vcs::check_discovered_repo_root(m->repo_root); !ok) {
    return Error::not_found(
      format("{}: go-get discovery: {}", module_path, ok.error().message));
  }
  return GitRepoLocation{m->prefix, {{m->repo_root, m->repo_root}}, m->subdir};
}

} // namespace

Result<std::vector<GitRule>>
parse_git_rules(std::string_view text)
{
  std::vector<GitRule> rules;
  std::string all(text);
  for (char& c : all) {
    if (c == '\n') {
      c = ',';
    }
  }
  std::size_t start = 0;
  while (start <= all.size()) {
    auto comma = all.find(',', start);
    std::string rule = all.substr(
      start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? all.size() + 1 : comma + 1;
    auto first = rule.find_first_not_of(" \t");
    if (first == std::string::npos) {
      continue;
    }
    rule = rule.substr(first, rule.find_last_not_of(" \t") - first + 1);
    auto eq = rule.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == rule.size()) {
      return Error::invalid(
        format("git_remotes: {:?} is not PREFIX=URL (e.g. "
               "corp.example/*=ssh://git@git.corp.example/{{path}}.git)",
               rule));
    }
    GitRule r;
    std::string prefix = rule.substr(0, eq);
    while (!prefix.empty() && prefix.back() == '/') {
      prefix.pop_back();
    }
    r.pattern = split_elements(prefix);
    r.url_template = rule.substr(eq + 1);
    if (r.url_template.find("{root}") == std::string::npos
        && r.url_template.find("{path}") == std::string::npos
        && prefix.find('*') != std::string::npos) {
      return Error::invalid(
        format("git_remotes: {:?}: a prefix with * needs {{root}} or {{path}} "
               "in its URL",
               rule));
    }
    rules.push_back(std::move(r));
  }
  return rules;
}

RepoLocator::RepoLocator(std::vector<GitRule> rules,
                         bool offline,
                         HttpClientOptions http)
  : m_rules(std::move(rules)),
    m_offline(offline),
    m_http(std::move(http))
{
}

Result<GitRepoLocation>
RepoLocator::locate(const std::string& module_path)
{
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_locations.find(module_path); it != m_locations.end()) {
      return it->second;
    }
  }
  auto where = find(module_path);
  if (where) {
    std::lock_guard lock(m_mutex);
    m_locations[module_path] = *where;
  }
  return where;
}

Result<GitRepoLocation>
RepoLocator::find(const std::string& module_path) const
{
  if (auto by_rule = locate_by_rules(m_rules, module_path)) {
    return *by_rule;
  }
  auto fixed = locate_statically(module_path);
  if (!fixed) {
    return fixed.error();
  }
  if (fixed->has_value()) {
    return **fixed;
  }
  if (m_offline) {
    return Error::not_found(
      format("{}: repository unknown and the agent is offline", module_path));
  }
  return locate_by_discovery(m_http, module_path);
}

} // namespace gpx::agent
