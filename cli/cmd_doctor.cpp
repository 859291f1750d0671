// gpx doctor: do go env, the config and the agent agree, and can the agent
// reach its upstreams and the git remotes of private modules? Each check prints ok, warn or FAIL with what to do.

#include "agent_control.hpp"
#include "context.hpp"
#include "go_env.hpp"
#include "settings.hpp"

#include <agent/git_source.hpp>
#include <agent/http_client.hpp>
#include <agent/proxy_list.hpp>
#include <gomod/format.hpp>
#include <gomod/module.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

struct Doctor
{
  int failures = 0;
  int warnings = 0;

  void
  ok(const std::string& what)
  {
    std::cout << "ok    " << what << "\n";
  }
  void
  warn(const std::string& what, const std::string& fix)
  {
    ++warnings;
    std::cout << "warn  " << what << "\n      fix: " << fix << "\n";
  }
  void
  bad(const std::string& what, const std::string& fix)
  {
    ++failures;
    std::cout << "FAIL  " << what << "\n      fix: " << fix << "\n";
  }
};

int
run_doctor()
{
  Doctor d;
  auto config = load_settings("");
  if (!config) {
    d.bad(format("config: {}", config.error().message), "fix the config file (see the README's configuration table)");
    std::cout << "gpx doctor: 1 problem\n";
    return 1;
  }
  d.ok(format("config: upstream {}, listen {}", redact_list(config->upstream), config->listen));
  auto agent_url = "http://" + config->listen;

  // The go command.
  auto go = go_env_values({"GOVERSION", "GOPROXY", "GOPRIVATE", "GONOPROXY"});
  if (!go) {
    d.bad("go: not found or not working", "install Go and put it on PATH");
  } else {
    const auto& goproxy = (*go)[1];
    const auto& goprivate = (*go)[2];
    d.ok(format("go: {}", (*go)[0]));
    if (goproxy.starts_with(agent_url + "|") || goproxy.starts_with(agent_url + ",") || goproxy == agent_url) {
      d.ok(format("go env GOPROXY goes to the agent first: {}", redact_list(goproxy)));
    } else {
      d.bad(format("go env GOPROXY is {}, not the agent ({})", redact_list(goproxy), agent_url),
            "run 'gpx init' (it keeps the upstream as a fallback)");
    }
    if (const char* env = std::getenv("GOPROXY"); env != nullptr) {
      d.warn(format("GOPROXY is set in the environment ({}); it overrides go env -w", redact_list(env)),
             "remove it from your shell profile");
    }
    if (!config->private_patterns.empty()) {
      if (goprivate.find(config->private_patterns) == std::string::npos) {
        d.bad(format("go env GOPRIVATE ({}) does not cover the config's private modules ({})", goprivate, config->private_patterns),
              "run 'gpx init' so private modules never reach a public proxy");
      } else {
        d.ok(format("private modules ({}) are in GOPRIVATE", config->private_patterns));
      }
      // GONOPROXY defaults to GOPRIVATE: then the go command fetches private
      // modules from git itself, every time, and the agent never sees them.
      const auto& gonoproxy = (*go)[3].empty() ? goprivate : (*go)[3];
      if (!gonoproxy.empty() && gonoproxy.find(config->private_patterns) != std::string::npos) {
        d.warn(format("go env GONOPROXY ({}) sends private modules straight to git, past the agent", gonoproxy),
               "run 'gpx init' (it sets GONOPROXY=none: the agent serves private modules from git and caches them)");
      }
    }
  }

  // The agent.
  if (answers_healthz(agent_url)) {
    auto paths = agent_paths();
    auto running = paths ? find_agent(*paths) : std::nullopt;
    d.ok(format("agent answers at {}{}", agent_url, running ? format(" (pid {})", running->pid) : ""));
  } else {
    d.bad(format("no agent answers at {}", agent_url), "run 'gpx agent start' (and 'gpx agent logs' if it will not start)");
  }

  // The cache.
  std::error_code ec;
  std::filesystem::create_directories(config->cache_dir, ec);
  if (ec || access(config->cache_dir.c_str(), W_OK) != 0) {
    d.bad(format("cache dir {} is not writable", config->cache_dir.string()), "fix its permissions or set cache_dir");
  } else if (auto store = open_cache(*config)) {
    auto totals = (*store)->with_index([](cache::Index& index) { return index.totals(); });
    auto bytes = totals ? totals->bytes : 0;
    if (config->max_size > 0 && static_cast<std::uint64_t>(bytes) > config->max_size) {
      d.warn(format("cache holds {}, over max_size {}", human_size(bytes), human_size(static_cast<std::int64_t>(config->max_size))),
             "the agent prunes it when it runs; or 'gpx prune'");
    } else {
      d.ok(format("cache {}: {}", config->cache_dir.string(), human_size(bytes)));
    }
  } else {
    d.ok(format("cache {}: empty (created at the agent's first start)", config->cache_dir.string()));
  }

  // The upstreams, with the agent's own TLS and netrc settings.
  auto chain = agent::parse_proxy_list(config->upstream);
  if (!chain) {
    d.bad(format("upstream: {}", chain.error().message), "set upstream in GOPROXY syntax");
  } else {
    // Short waits: a doctor that hangs on a dead upstream helps nobody.
    auto o = agent::http_client_options(*config);
    o.connect_timeout = std::chrono::seconds(3);
    o.stall_timeout = std::chrono::seconds(5);
    agent::HttpClient up(o);
    for (const auto& spec : *chain) {
      if (spec.kind != agent::ProxySpec::Kind::url) {
        continue;
      }
      if (config->offline) {
        d.ok(format("upstream {}: not checked (offline)", spec.redacted_url));
        continue;
      }
      // Any answer proves the way there; 401/403/407 say the credentials do not.
      auto r = up.get(spec.url + "/sumdb/sum.golang.org/supported", 4096);
      if (!r) {
        d.bad(format("upstream {} is unreachable: {}", spec.redacted_url, r.error().message),
              "check the network, HTTPS_PROXY/NO_PROXY, ca_file");
      } else if (r->status == 401 || r->status == 403 || r->status == 407) {
        d.bad(format("upstream {} refuses the credentials ({})", spec.redacted_url, r->status),
              "check ~/.netrc (or NETRC) for its host, or the proxy's credentials");
      } else {
        d.ok(format("upstream {} answers", spec.redacted_url));
      }
    }
  }
  // The git remotes of private modules the agent has mirrored: do they
  // still answer, with the credentials the agent would use?
  if (!config->offline && fs::is_directory(config->cache_dir / "git", ec)) {
    agent::GitSource git(agent::git_source_options(*config));
    for (const auto& e : fs::directory_iterator(config->cache_dir / "git", ec)) {
      std::string name = e.path().filename().string();
      if (!e.is_directory(ec) || name.starts_with(".")) {
        continue;
      }
      std::replace(name.begin(), name.end(), '%', '/');
      auto root = gomod::unescape_path(name);
      if (!root) {
        continue;
      }
      auto answered = git.probe(*root);
      if (answered) {
        d.ok(format("git {}: {} answers", *root, *answered));
      } else {
        d.bad(format("git {}: {}", *root, answered.error().message),
              "see the README's \"Private modules from git\" (git_remotes, git_ssh_key, netrc, ca_file)");
      }
    }
  }
  std::cout << format("gpx doctor: {} problems, {} warnings\n", d.failures, d.warnings);
  return d.failures == 0 ? 0 : 1;
}

} // namespace

void
register_doctor(CLI::App& app, Context& ctx)
{
  auto* cmd = app.add_subcommand("doctor", "Check that go env, the config, the agent and the upstreams agree, and say what to fix");
  cmd->footer("Exit status 1 when a check fails. Credentials never appear in the output.\n\nExample:\n  gpx doctor");
  cmd->callback([&ctx] { ctx.exit_code = run_doctor(); });
}

} // namespace gpx::cli
