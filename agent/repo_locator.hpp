#pragma once

// Where a module's git repository is, as the go command finds it: the
// git_remotes rules of the config first, then the go command's own table
// (hosting sites, VCS-qualified paths), then go-get discovery over HTTPS.

#include <agent/http_client.hpp>
#include <gomod/result.hpp>

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::agent {

// "corp.example/*/*=ssh://git@git.corp.example/{path}.git": modules under a
// prefix (each "*" one path element) live in the repository whose root is
// the matched prefix; {root} is that prefix, {path} the prefix without its
// first element (the host).
struct GitRule
{
  std::vector<std::string> pattern; // path elements, "*" matches one
  std::string url_template;
};

// Parses the git_remotes setting: rules separated by commas or newlines.
Result<std::vector<GitRule>> parse_git_rules(std::string_view text);

// A URL to fetch from, and the name the go command gives that repository
// (Origin.URL): they differ where git would find "repo.git" for "repo" but
// libgit2 will not.
struct GitRemote
{
  std::string url;
  std::string origin;

  bool operator==(const GitRemote&) const = default;
};

// Where a module's repository is: its root (a module path prefix) and the
// remotes to try in turn.
struct GitRepoLocation
{
  std::string root;
  std::vector<GitRemote> remotes;
  std::string subdir; // from a go-import tag's fourth field
};

class RepoLocator
{
public:
  // offline: no go-get discovery (a path no rule covers is not found).
  RepoLocator(std::vector<GitRule> rules, bool offline, HttpClientOptions http);

  // The repository of a module path; answers are remembered for the
  // locator's life, so discovery asks the network once per path. Any thread.
  Result<GitRepoLocation> locate(const std::string& module_path);

private:
  Result<GitRepoLocation> find(const std::string& module_path) const;

  std::vector<GitRule> m_rules;
  bool m_offline;
  HttpClientOptions m_http;
  std::mutex m_mutex;                                 // guards m_locations
  std::map<std::string, GitRepoLocation> m_locations; // module path → location
};

} // namespace gpx::agent
