#pragma once

// Modules straight from their git repositories, for the private patterns
// and for "direct" in the upstream chain. A module path is mapped to its
// repository (RepoLocator); the repository is mirrored under the cache's git/
// dir and refreshed at most once per list_ttl for lists and queries, so
// a version once cached never needs the network again, and a tag pushed a
// minute ago shows up a minute later. Answers are what the go command's
// direct mode computes (gomod/code_repo).

#include <agent/git_credentials.hpp>
#include <agent/git_mirror.hpp>
#include <agent/http_client.hpp>
#include <agent/repo_locator.hpp>
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

struct Config;

struct GitSourceOptions
{
  std::filesystem::path dir; // the mirrors: <cache>/git
  GitAuth auth;
  std::vector<GitRule> rules;
  std::chrono::seconds list_ttl{60}; // the config's list_ttl: how old a mirror
                                     // may be to answer a list or query
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
  Result<UpstreamAnswer> get(const std::string& path,
                             const HttpClient::Sink* sink);

  // The repository of a module path (RepoLocator::locate).
  Result<GitRepoLocation> locate(const std::string& module_path);

  // Whether the repository at root answers with the credentials at hand
  // (connects and lists refs; downloads and writes nothing): the remote
  // that answered, redacted, or why none did.
  Result<std::string> probe(const std::string& root);

private:
  struct Repo;
  std::shared_ptr<Repo> repo_for(const GitRepoLocation& where);
  // Brings the mirror up to date when force or older than list_ttl;
  // falls back to what it has when the remote cannot be reached.
  Status refresh(Repo& repo, bool force);
  // Records that a request used the mirror (for expire_unused).
  void mark_used(Repo& repo);

  GitSourceOptions m_options;
  std::mutex m_mutex;                                   // guards m_repos
  std::map<std::string, std::shared_ptr<Repo>> m_repos; // root → repo
  RepoLocator m_locator;
};

} // namespace gpx::agent
