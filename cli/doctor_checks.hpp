#pragma once

// The steps of `gpx doctor`, each a function that returns its findings:
// the pure ones judge values already gathered (go env, the environment, a
// cache's size, an upstream's answer) and are unit-tested; the others
// gather those values (run go, ask the agent, open the cache) and judge
// them with the pure ones.

#include "go_env_override.hpp"

#include <agent/config.hpp>
#include <agent/http_client.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::cli {

struct Check
{
  enum class Level { ok, warn, fail };
  std::string name; // stable, for --json: "go_env.GOPROXY",
                    // "environment.GOFLAGS", "agent" …
  Level level = Level::ok;
  std::string message;
  std::string fix; // empty for ok
};
using Checks = std::vector<Check>;

// --- Pure steps.

// Does GOPROXY send the go command to the agent first? When it does not
// and the environment sets GOPROXY, the environment is the cause to fix
// (gpx init writes go env -w, which the environment overrides).
Checks judge_goproxy(std::string_view goproxy,
                     std::string_view agent_url,
                     const std::vector<EnvOverride>& overrides);

// Do GOPRIVATE and GONOPROXY keep the config's private modules off public
// proxies and on the agent? Nothing to judge without private patterns.
Checks judge_private(std::string_view goprivate,
                     std::string_view gonoproxy,
                     std::string_view private_patterns,
                     const std::vector<EnvOverride>& overrides);

// Overrides not already reported by the steps above: a warning for each
// variable whose environment value differs from what go env -w wrote.
Checks judge_overrides(const std::vector<EnvOverride>& overrides,
                       const Checks& so_far);

Check judge_cache_size(const std::string& dir,
                       std::int64_t bytes,
                       std::uint64_t max_size);

// An upstream's answer to a probe: any answer proves the way there;
// 401/403/407 say the credentials do not pass.
Check judge_upstream(const std::string& redacted_url,
                     const Result<agent::HttpResponse>& answer);

// --- Steps that gather.

Checks check_go(const agent::Config& config);
Check check_agent(const agent::Config& config);
Check check_cache(const agent::Config& config);
// libcurl and libgit2, which the agent loads on its first upstream request
// and first git mirror: missing, the agent would serve only its cache.
Check check_libraries();
Checks check_upstreams(const agent::Config& config);
Checks check_git_remotes(const agent::Config& config);

// --- Output.

int count(const Checks& checks, Check::Level level);
// "ok    …", "warn  …\n      fix: …", "FAIL  …\n      fix: …" and a summary
// line.
std::string render_text(const Checks& checks);
// docs/gpx.schema.json, $defs/doctor.
nlohmann::json render_json(const Checks& checks);

} // namespace gpx::cli
