#include "git_credentials.hpp"

#include "git2_api.hpp"
#include "process.hpp"

#include <cache/atomic_file.hpp>
#include <gomod/format.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace gpx::agent {

namespace {

std::string
home_dir()
{
  const char* home = std::getenv("HOME");
  return home != nullptr ? home : "";
}

std::string
netrc_path(const GitAuth& auth)
{
  if (!auth.netrc_file.empty()) {
    return auth.netrc_file;
  }
  if (const char* env = std::getenv("NETRC"); env != nullptr && *env != '\0') {
    return env;
  }
  return home_dir() + "/.netrc";
}

// scheme://[user@]host[:port]/path → scheme, host, host[:port], path.
void
split_url(std::string_view url,
          std::string& scheme,
          std::string& host,
          std::string& host_port,
          std::string& path)
{
  auto colon = url.find("://");
  if (colon == std::string_view::npos) {
    return;
  }
  scheme = std::string(url.substr(0, colon));
  auto rest = url.substr(colon + 3);
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  host_port = std::string(authority);
  if (auto port = authority.rfind(':');
      port != std::string_view::npos
      && authority.find(']') == std::string_view::npos) {
    authority = authority.substr(0, port);
  }
  host = std::string(authority);
  path =
    slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
}

// `git credential fill` with the user's helpers, never a prompt. Returns
// username and password, or nothing.
NetrcEntry
credential_fill(const std::string& scheme,
                const std::string& host,
                const std::string& path)
{
  auto r = run_process(ProcessSpec{
    .argv = {"git", "credential", "fill"},
    .env = {"GIT_TERMINAL_PROMPT=0"},
    .unset = {"GIT_ASKPASS", "SSH_ASKPASS"},
    .dir = {},
    .input = format("protocol={}\nhost={}\npath={}\n\n", scheme, host, path),
  });
  if (!r || r->exit_code != 0) {
    return {};
  }
  return parse_credential_answer(r->out);
}

} // namespace

NetrcEntry
parse_credential_answer(const std::string& answer)
{
  NetrcEntry e;
  std::istringstream lines(answer);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("username=")) {
      e.login = line.substr(9);
    } else if (line.starts_with("password=")) {
      e.password = line.substr(9);
    }
  }
  e.found = !e.password.empty();
  return e;
}

NetrcEntry
netrc_lookup(const std::string& text,
             const std::string& host,
             bool allow_default)
{
  // Tokens separated by white space; "machine NAME" or "default" opens an
  // entry, "login"/"password" fill it, "macdef" swallows text up to an
  // empty line.
  std::istringstream in(text);
  std::vector<std::string> tokens;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    for (std::string w; words >> w;) {
      if (w.starts_with('#') && tokens.empty()) {
        break;
      }
      tokens.push_back(w);
    }
  }
  NetrcEntry found;
  NetrcEntry fallback;
  NetrcEntry* current = nullptr;
  NetrcEntry ignored;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    if (t == "machine" && i + 1 < tokens.size()) {
      current = (tokens[++i] == host && !found.found) ? &found : &ignored;
      if (current == &found) {
        found.found = true;
      } else {
        ignored = {};
      }
    } else if (t == "default") {
      current = found.found ? &ignored : &fallback;
      fallback.found = !found.found;
    } else if (t == "login" && i + 1 < tokens.size() && current != nullptr) {
      current->login = tokens[++i];
    } else if (t == "password" && i + 1 < tokens.size() && current != nullptr) {
      current->password = tokens[++i];
    }
  }
  return found.found ? found : allow_default ? fallback : NetrcEntry{};
}

std::string
GitCredentialState::explain() const
{
  std::string s;
  if (tried.empty()) {
    s = "no credentials were found to try";
  } else {
    s = "tried ";
    for (std::size_t i = 0; i < tried.size(); ++i) {
      s += (i == 0 ? "" : ", ") + tried[i];
    }
  }
  if (asked_ssh) {
    s +=
      "; set git_ssh_key, or load a key the server accepts into the ssh-agent "
      "(ssh-add)";
  } else {
    s += format(
      "; add a netrc entry (machine {} login USER password TOKEN) or a git "
      "credential helper for it",
      asked_host);
  }
  return s;
}

namespace {

// The ssh keys to offer, in order: the ssh-agent when one runs, then the
// configured key, else the usual key files.
void
list_ssh_keys(GitCredentialState& st)
{
  const char* sock = std::getenv("SSH_AUTH_SOCK");
  if (sock != nullptr && *sock != '\0') {
    st.ssh_keys.emplace_back(); // "" = the agent
  }
  std::error_code ec;
  const GitAuth& auth = *st.auth;
  if (!auth.ssh_key.empty()) {
    if (fs::exists(auth.ssh_key, ec)) {
      st.ssh_keys.push_back(auth.ssh_key);
    } else {
      st.tried.push_back(format("key {} (no such file)", auth.ssh_key));
    }
  } else {
    for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
      if (auto key = home_dir() + "/.ssh/" + name; fs::exists(key, ec)) {
        st.ssh_keys.push_back(key);
      }
    }
  }
}

// The next ssh key to offer. One attempt per source, in order; libgit2
// calls again after a refusal.
int
next_ssh_key(::git_credential** out,
             GitCredentialState& st,
             const std::string& user)
{
  st.asked_ssh = true;
  if (st.ssh_step == 0) {
    list_ssh_keys(st);
  }
  auto step = static_cast<std::size_t>(st.ssh_step++);
  if (step >= st.ssh_keys.size()) {
    return GIT_PASSTHROUGH; // libgit2 reports the authentication failure
  }
  const auto& key = st.ssh_keys[step];
  if (key.empty()) {
    st.tried.push_back("ssh-agent");
    return lg2().git_credential_ssh_key_from_agent(out, user.c_str());
  }
  st.tried.push_back("key " + key);
  std::error_code ec;
  std::string pub = key + ".pub";
  return lg2().git_credential_ssh_key_new(out,
                                          user.c_str(),
                                          fs::exists(pub, ec) ? pub.c_str()
                                                              : nullptr,
                                          key.c_str(),
                                          nullptr);
}

// The next user and password for url: its netrc entry, then what
// `git credential fill` gives.
int
next_password(::git_credential** out, GitCredentialState& st, const char* url)
{
  const GitAuth& auth = *st.auth;
  std::string scheme;
  std::string host;
  std::string host_port;
  std::string path;
  split_url(url != nullptr ? url : "", scheme, host, host_port, path);
  st.asked_password = true;
  st.asked_host = host;
  while (true) {
    int step = st.https_step++;
    if (step == 0) {
      auto text = cache::read_small_file(netrc_path(auth));
      if (!text) {
        continue;
      }
      auto e = netrc_lookup(*text, host);
      if (!e.found) {
        continue;
      }
      st.tried.push_back(format("netrc entry for {}", host));
      return lg2().git_credential_userpass_plaintext_new(
        out, e.login.c_str(), e.password.c_str());
    }
    if (step == 1 && auth.credential_helper) {
      // git's credential protocol names the host with its port.
      auto e = credential_fill(scheme, host_port, path);
      if (!e.found) {
        st.tried.push_back("git credential fill (no answer)");
        continue;
      }
      st.tried.push_back("git credential fill");
      return lg2().git_credential_userpass_plaintext_new(
        out, e.login.c_str(), e.password.c_str());
    }
    return GIT_PASSTHROUGH;
  }
}

} // namespace

int
git_credential_callback(::git_credential** out,
                        const char* url,
                        const char* username_from_url,
                        unsigned int allowed_types,
                        void* payload)
{
  auto& st = *static_cast<GitCredentialState*>(payload);
  std::string user = username_from_url != nullptr ? username_from_url : "";
  if (user.empty()) {
    const char* u = std::getenv("USER");
    user = u != nullptr ? u : "git";
  }
  if ((allowed_types & GIT_CREDENTIAL_USERNAME) != 0
      && (allowed_types & GIT_CREDENTIAL_SSH_KEY) == 0) {
    return lg2().git_credential_username_new(out, user.c_str());
  }
  if ((allowed_types & GIT_CREDENTIAL_SSH_KEY) != 0) {
    return next_ssh_key(out, st, user);
  }
  if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0) {
    return next_password(out, st, url);
  }
  return GIT_PASSTHROUGH;
}

} // namespace gpx::agent
