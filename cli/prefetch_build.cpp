#include "prefetch_build.hpp"

#include <agent/process.hpp>
#include <gomod/format.hpp>

#include <unistd.h>

namespace fs = std::filesystem;

namespace gpx::cli {

std::set<std::string>
parse_module_lines(std::string_view out)
{
  std::set<std::string> modules;
  while (!out.empty()) {
    auto nl = out.find('\n');
    auto line = out.substr(0, nl);
    out =
      nl == std::string_view::npos ? std::string_view() : out.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.remove_suffix(1);
    }
    auto at = line.find('@');
    if (at != std::string_view::npos && at > 0 && at + 1 < line.size()) {
      modules.emplace(line);
    }
  }
  return modules;
}

GoListCommand
go_list_command(const Project& project,
                const std::string& agent_url,
                const std::string& scratch)
{
  GoListCommand c;
  c.argv = {
    "go",
    "list",
    "-e",
    "-deps",
    "-f",
    "{{with .Module}}{{if not .Main}}{{.Path}}@{{.Version}}{{end}}{{end}}"};
  auto dir = fs::path(scratch);
  // The user's GOPRIVATE and GONOPROXY stand: what they send elsewhere
  // is no business of the agent's.
  c.env = {"GOPROXY=" + agent_url,
           "GOMODCACHE=" + (dir / "mod").string(),
           "GOFLAGS=-modcacherw",
           "GO111MODULE=on"};
  if (project.workspace) {
    c.argv.push_back("-mod=readonly");
    c.env.push_back("GOWORK=" + project.file.string());
  } else {
    // The go command may add missing requirements and sums to what it
    // reads: to copies, never to the user's files.
    c.argv.push_back("-mod=mod");
    c.argv.push_back("-modfile=" + (dir / "go.mod").string());
    c.env.push_back("GOWORK=off");
  }
  for (const auto& m : project.mains) {
    c.argv.push_back(m + "/...");
  }
  return c;
}

Result<std::set<std::string>>
build_modules(const Project& project, const std::string& agent_url)
{
  auto scratch =
    fs::temp_directory_path() / format("gpx-build-only-{}", getpid());
  std::error_code ec;
  fs::create_directories(scratch, ec);
  if (ec) {
    return Error::io(
      format("cannot create {}: {}", scratch.string(), ec.message()));
  }
  if (!project.workspace) {
    auto dir = project.file.parent_path();
    fs::copy_file(project.file, scratch / "go.mod", ec);
    if (!ec && fs::exists(dir / "go.sum")) {
      fs::copy_file(dir / "go.sum", scratch / "go.sum", ec);
    }
    if (ec) {
      fs::remove_all(scratch, ec);
      return Error::io(format("cannot copy {} to {}: {}",
                              project.file.string(),
                              scratch.string(),
                              ec.message()));
    }
  }
  auto c = go_list_command(project, agent_url, scratch.string());
  auto r = agent::run_process(c.argv, c.env, project.file.parent_path());
  fs::remove_all(scratch, ec);
  if (!r) {
    return r.error().wrap("go list (for --build-only)");
  }
  if (r->exit_code != 0) {
    auto why = r->err.empty() ? r->out : r->err;
    return Error::upstream(
      format("go list -deps failed (for --build-only): {}", why));
  }
  return parse_module_lines(r->out);
}

} // namespace gpx::cli
