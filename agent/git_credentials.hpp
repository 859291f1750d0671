#pragma once

// Credentials for git remotes, handed to libgit2 when a remote asks:
// ssh remotes get the ssh-agent, then the configured key, then the usual
// key files; https remotes get the netrc entry for the host, then what
// `git credential fill` gives (the user's own credential helpers). Secrets
// stay in memory: never logged, never written to the cache. What was tried
// is kept (names only) so a failure can say it.

#include <string>
#include <vector>

struct git_credential; // libgit2's

namespace gpx::agent {

struct GitAuth
{
  std::string ssh_key; // private key file; "" → ~/.ssh/id_{ed25519,ecdsa,rsa}
  std::string netrc_file;        // "" → $NETRC, else ~/.netrc
  bool credential_helper = true; // ask `git credential fill` (never prompts)
  std::string ca_file;           // PEM bundle for https remotes; "" → system
};

// A user/password pair from a netrc file for host, or nothing.
struct NetrcEntry
{
  bool found = false;
  std::string login;
  std::string password;
};
// allow_default: whether a "default" entry answers for any host (git does;
// the go command ignores it, and so do upstream proxies here).
NetrcEntry netrc_lookup(const std::string& netrc_text,
                        const std::string& host,
                        bool allow_default = true);
// The user and password in what `git credential fill` printed (exposed for
// its fuzz target: a credential helper's output is not ours to trust).
NetrcEntry parse_credential_answer(const std::string& answer);

// The state of one fetch's credential callbacks; libgit2 calls back until a
// credential works or we give up.
struct GitCredentialState
{
  const GitAuth* auth = nullptr;
  int ssh_step = 0;
  std::vector<std::string> ssh_keys; // "" stands for the ssh-agent
  int https_step = 0;
  std::vector<std::string>
    tried;                // "ssh-agent", "key ~/.ssh/id_ed25519", "netrc", …
  bool asked_ssh = false; // the remote wanted an ssh key
  bool asked_password = false; // the remote wanted a user and password
  std::string asked_host;      // host[:port] of that remote

  bool
  asked() const
  {
    return asked_ssh || asked_password;
  }
  // "tried key …, ssh-agent; <what to do next>"
  std::string explain() const;
};

// libgit2's git_credential_acquire_cb; payload is a GitCredentialState.
int git_credential_callback(::git_credential** out,
                            const char* url,
                            const char* username_from_url,
                            unsigned int allowed_types,
                            void* payload);

} // namespace gpx::agent
