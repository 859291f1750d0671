#pragma once

// Modules straight from their git repositories, for the private patterns
// and for "direct" in the upstream chain. A module path is mapped to its
// repository (config rules, then the go command's own rules, then go-get
// discovery over HTTPS); the repository is mirrored under the cache's git/
// dir and refreshed at most once per refresh_ttl for lists and queries, so
// a version once cached never needs the network again, and a tag pushed a
// minute ago shows up a minute later. Answers are what the go command's
// direct mode computes (gomod/code_repo).

#include <agent/git_credentials.hpp>
#include <agent/git_mirror.hpp>
#include <agent/http_client.hpp>
#include <agent/upstream.hpp>
#include <gomod/result.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
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

struct Config;

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

struct GitSourceOptions
{
  std::filesystem::path dir; // the mirrors: <cache>/git
  GitAuth auth;
  std::vector<GitRule> rules;
  std::chrono::seconds refresh_ttl{60};
  std::chrono::seconds mirror_max_age{0}; // 0: never expire mirrors
  bool offline = false;
  HttpClientOptions http; // go-get discovery
};

// The agent's git settings from its config (mirrors under cache_dir/git).
GitSourceOptions git_source_options(const Config& config);

class GitSource
{
public:
  explicit GitSource(GitSourceOptions options);

  // Removes what a run that died left in options.dir (lock files, partial
  // packs and zips): only for the agent, holding the cache's lock.
  void clear_stale();

  // Removes the mirrors no request has used for mirror_max_age (their
  // module versions stay in the cache). The number removed.
  int expire_unused();
  ~GitSource();
  GitSource(const GitSource&) = delete;
  GitSource& operator=(const GitSource&) = delete;

  // Answers a GOPROXY path ("corp.example/lib/@v/list", "…/@v/main.info",
  // "…/@latest", "…/@v/v1.2.3.zip") as an upstream would: found with the
  // body (a zip goes to sink instead), or not found with the reason.
  // Errors are for what a retry may fix (network, authentication).
  Result<UpstreamAnswer> get(const std::string& path, const HttpClient::Sink* sink);

  // The repository of a module path (rules, static rules, go-get).
  Result<GitRepoLocation> locate(const std::string& module_path);

  // Whether the repository at root answers with the credentials at hand
  // (connects and lists refs; downloads and writes nothing): the remote
  // that answered, redacted, or why none did.
  Result<std::string> probe(const std::string& root);

private:
  struct Repo;
  std::shared_ptr<Repo> repo_for(const GitRepoLocation& where);
  // Brings the mirror up to date when force or older than refresh_ttl;
  // falls back to what it has when the remote cannot be reached.
  Status refresh(Repo& repo, bool force);
  // Records that a request used the mirror (for expire_unused).
  void mark_used(Repo& repo);

  GitSourceOptions m_options;
  std::mutex m_mutex; // guards the maps
  std::map<std::string, std::shared_ptr<Repo>> m_repos;          // root → repo
  std::map<std::string, GitRepoLocation> m_locations;             // module path → location
};

} // namespace gpx::agent
