#include "agent_steps.hpp"

#include <cache/layout.hpp>
#include <gomod/format.hpp>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace gpx::cli {

agent::ConfigOverrides
agent_overrides(const AgentOptions& o)
{
  agent::ConfigOverrides flags;
  if (!o.listen.empty()) {
    flags["listen"] = o.listen;
  }
  if (!o.cache_dir.empty()) {
    flags["cache_dir"] = o.cache_dir;
  }
  if (!o.upstream.empty()) {
    flags["upstream"] = o.upstream;
  }
  if (o.offline) {
    flags["offline"] = "true";
  }
  return flags;
}

Result<agent::Config>
load_agent_config(const AgentOptions& o)
{
  auto dirs = cache::default_dirs();
  if (!dirs) {
    return dirs.error();
  }
  bool explicit_config =
    !o.config.empty() || std::getenv("GPX_CONFIG") != nullptr;
  return agent::load_config(o.config.empty() ? dirs->config_file
                                             : std::filesystem::path(o.config),
                            explicit_config,
                            dirs->cache_dir,
                            agent_overrides(o));
}

Result<AgentPlan>
plan_agent(const agent::Config& config)
{
  AgentPlan plan;
  auto listen = agent::parse_listen_address(config.listen);
  if (!listen) {
    return listen.error().wrap("listen");
  }
  plan.listen = *listen;
  auto chain = agent::parse_proxy_list(config.upstream);
  if (!chain) {
    return chain.error().wrap("upstream");
  }
  plan.chain = std::move(*chain);
  auto sumdb = gomod::sumdb::parse_gosumdb(config.sumdb);
  if (!sumdb) {
    return sumdb.error().wrap("sumdb");
  }
  plan.sumdb = std::move(*sumdb);
  return plan;
}

Status
check_listen_free(const agent::ListenAddress& listen,
                  const std::string& running_url)
{
  if (listen.port == 0) {
    return {};
  }
  std::string host = listen.host.find(':') != std::string::npos
                       ? "[" + listen.host + "]"
                       : listen.host;
  if (running_url == format("http://{}:{}", host, listen.port)) {
    return {};
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(listen.port);
  if (getaddrinfo(listen.host.c_str(), port.c_str(), &hints, &found) != 0
      || found == nullptr) {
    return Error::invalid(
      format("cannot listen on {}:{}: the address does not resolve",
             listen.host,
             listen.port));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
  int fd = ::socket(
    found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  if (fd < 0) {
    return Error::io(
      format("cannot listen on {}:{}: no socket", listen.host, listen.port));
  }
  // As the agent binds: SO_REUSEADDR, so a port in TIME_WAIT counts as free.
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  int rc = ::bind(fd, found->ai_addr, found->ai_addrlen);
  int err = errno;
  ::close(fd);
  if (rc != 0) {
    return Error::io(format("cannot listen on {}:{}: {}",
                            listen.host,
                            listen.port,
                            err == EADDRINUSE
                              ? "the address is in use by another process"
                              : std::strerror(err)));
  }
  return {};
}

Status
check_new_agent(const AgentOptions& o, const std::string& running_url)
{
  auto config = load_agent_config(o);
  if (!config) {
    return config.error();
  }
  auto plan = plan_agent(*config);
  if (!plan) {
    return plan.error();
  }
  return check_listen_free(plan->listen, running_url);
}

std::string
start_log_line(const std::string& url,
               const agent::Config& config,
               const std::vector<agent::ProxySpec>& chain)
{
  if (config.offline) {
    return format("agent started url={} cache={} offline=true",
                  url,
                  config.cache_dir.string());
  }
  std::string chain_text;
  for (const auto& spec : chain) {
    chain_text += (chain_text.empty() ? "" : ",") + spec.redacted_url;
  }
  return format("agent started url={} cache={} upstream={} offline=false",
                url,
                config.cache_dir.string(),
                chain_text);
}

} // namespace gpx::cli
