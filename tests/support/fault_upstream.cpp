// A misbehaving module proxy for end-to-end fault tests: it forwards every
// GET to a real upstream (the Go test proxy), except the exact paths given
// rules, which it answers badly.
//
//   fault_upstream --upstream URL [--signer PRIVATE+KEY+…] [--rule
//   PATH=FAULT]...
//                  [--listen HOST:PORT] [--tls-cert PEM --tls-key PEM]
//
// With --tls-cert and --tls-key it speaks HTTPS (the tests make a throw-away
// CA with openssl); --listen picks the address (default 127.0.0.1, any port).
//
// FAULT is one of
//   status:N    answer status N with a short body
//   reset       promise 1 MiB, send 1000 bytes, drop the connection
//   stall       send headers and 10 bytes, then nothing for 10 minutes
//   truncate    the upstream's answer cut to half, with a matching length
//               (a well-formed HTTP answer carrying a broken file)
//   huge        64 MiB of 'x'
//   file:F      the content of file F instead of the upstream's
//   append:T    the upstream's answer with T appended
//   cut         the upstream's answer promised whole, half of it sent, then
//               the connection closed
//   redirect:U  302 to U followed by the request's path (another scheme or
//               host: https→http, or a host the credentials are not for)
//   oversize:N  N MiB sent chunked, with no length announced
//   goget:ROOT  an HTML page whose go-import tag names ROOT (git) as the
//               repository of the requested path (go-get discovery)
// and, for checksum-database answers (a lookup or a tree head):
//   unsign      the signature lines removed from the tree note
//   badsig      one character of the signature changed
//   othersig    the tree note signed by another key of the same name
//   fork        the tree note's hash changed and signed with --signer (the
//               database's own key): a tree head inconsistent with the real one
//   badtile     one byte of a tile flipped
//
// A PATH ending in '*' matches every path it prefixes. Rules change while
// it runs: GET /_fault/set?path=P&fault=F adds one, GET /_fault/clear turns
// it honest. GET /_fault/auth tells how many requests came with an
// Authorization header (credentials that should not have been sent here).
//
// The first line on stdout is "fault upstream at http://127.0.0.1:PORT"; each
// request answered is a line "fault_upstream: METHOD PATH STATUS" on stderr.
#include <gomod/sumdb_note.hpp>
#include <gomod/sumdb_tlog.hpp>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

namespace {

int
usage(const std::string& why)
{
  std::cerr
    << "fault_upstream: " << why
    << "\nusage: fault_upstream --upstream URL [--rule PATH=FAULT]...\n";
  return 2;
}

std::string
slurp(const std::string& file)
{
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void
forward(httplib::Client& client,
        const httplib::Request& req,
        httplib::Response& res,
        bool truncate)
{
  auto path = req.path;
  auto r = client.Get(path);
  if (!r) {
    res.status = 502;
    res.set_content("fault_upstream: the real upstream did not answer\n",
                    "text/plain");
    return;
  }
  res.status = r->status;
  std::string body = r->body;
  if (truncate) {
    body.resize(body.size() / 2);
  }
  res.set_content(body, r->get_header_value("Content-Type"));
}

// The signed tree note at the end of a lookup answer, or the whole of a
// tree-head answer: where it starts.
std::size_t
note_start(const std::string& body)
{
  if (body.starts_with("go.sum database tree\n")) {
    return 0;
  }
  auto blank = body.find("\n\n");
  return blank == std::string::npos ? body.size() : blank + 2;
}

// A checksum-database answer altered as fault says.
std::string
tamper_note(const std::string& body,
            const std::string& fault,
            const std::string& signer_key)
{
  using namespace gpx::gomod;
  auto at = note_start(body);
  std::string head = body.substr(0, at);
  std::string note = body.substr(at);
  auto sigs = note.find("\n\n");
  if (sigs == std::string::npos) {
    return body;
  }
  std::string text = note.substr(0, sigs + 1);
  if (fault == "unsign") {
    return head + text;
  }
  if (fault == "badsig") {
    auto line_end = note.size() - 1;
    note[line_end - 5] = note[line_end - 5] == 'A' ? 'B' : 'A';
    return head + note;
  }
  if (fault == "othersig") {
    auto tree = tlog::parse_tree(text);
    auto [skey, vkey] =
      note::generate_key(tree ? "localhost.localdev/sumdb" : "x");
    return head + note::sign(text, {note::parse_signer(skey).value()}).value();
  }
  // fork
  auto tree = tlog::parse_tree(text);
  auto signer = note::parse_signer(signer_key);
  if (!tree || !signer) {
    return body;
  }
  tree->hash[0] ^= 1;
  return head + note::sign(tlog::format_tree(*tree), {*signer}).value();
}

} // namespace

int
main(int argc, char** argv)
{
  std::string upstream;
  std::string signer;
  std::string listen_host = "127.0.0.1";
  int listen_port = 0;
  std::string tls_cert, tls_key;
  std::atomic<int> authorized{0};
  std::map<std::string, std::string> rules;
  std::mutex rules_mutex;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) {
      return usage("missing value after " + a);
    }
    std::string v = argv[++i];
    if (a == "--upstream") {
      upstream = v;
    } else if (a == "--signer") {
      signer = v;
    } else if (a == "--listen") {
      auto colon = v.rfind(':');
      listen_host = v.substr(0, colon);
      listen_port =
        colon == std::string::npos ? 0 : std::stoi(v.substr(colon + 1));
    } else if (a == "--tls-cert") {
      tls_cert = v;
    } else if (a == "--tls-key") {
      tls_key = v;
    } else if (a == "--rule") {
      auto eq = v.find('=');
      if (eq == std::string::npos) {
        return usage("a rule is PATH=FAULT: " + v);
      }
      rules[v.substr(0, eq)] = v.substr(eq + 1);
    } else {
      return usage("unknown argument " + a);
    }
  }
  if (upstream.empty()) {
    return usage("--upstream is required");
  }
  // The Go test proxy's URL has a path (/mod): requests are forwarded under it.
  auto scheme_end = upstream.find("://");
  auto path_start =
    upstream.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  std::string host = upstream.substr(0, path_start);
  std::string prefix =
    path_start == std::string::npos ? "" : upstream.substr(path_start);

  std::unique_ptr<httplib::Server> owned;
  if (!tls_cert.empty()) {
    owned =
      std::make_unique<httplib::SSLServer>(tls_cert.c_str(), tls_key.c_str());
  } else {
    owned = std::make_unique<httplib::Server>();
  }
  auto& server = *owned;
  server.Get(
    "/_fault/auth", [&](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::to_string(authorized.load()) + "\n", "text/plain");
    });
  server.Get(
    "/_fault/set", [&](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(rules_mutex);
      rules[req.get_param_value("path")] = req.get_param_value("fault");
      res.set_content("ok\n", "text/plain");
    });
  server.Get("/_fault/clear",
             [&](const httplib::Request&, httplib::Response& res) {
               std::lock_guard lock(rules_mutex);
               rules.clear();
               res.set_content("ok\n", "text/plain");
             });
  server.Get(
    R"(/.*)", [&](const httplib::Request& req, httplib::Response& res) {
      if (req.has_header("Authorization")) {
        ++authorized;
      }
      httplib::Client client(host);
      client.set_read_timeout(60, 0);
      std::string fault;
      {
        std::lock_guard lock(rules_mutex);
        for (const auto& [path, f] : rules) {
          if (path == req.path
              || (path.ends_with('*')
                  && req.path.starts_with(path.substr(0, path.size() - 1)))) {
            fault = f;
          }
        }
      }
      httplib::Request fwd = req;
      fwd.path = prefix + req.path;
      if (fault.empty()) {
        forward(client, fwd, res, false);
      } else if (fault.starts_with("status:")) {
        res.status = std::stoi(fault.substr(7));
        res.set_content("fault_upstream: injected status " + fault.substr(7)
                          + " for " + req.path + "\n",
                        "text/plain");
      } else if (fault == "reset") {
        res.set_content_provider(
          1 << 20,
          "application/octet-stream",
          [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
            if (offset > 0) {
              return false;
            }
            std::string part(1000, 'P');
            sink.write(part.data(), part.size());
            return true;
          });
      } else if (fault == "stall") {
        res.set_content_provider(
          1 << 20,
          "application/octet-stream",
          [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
            if (offset == 0) {
              sink.write("PK\x03\x04stall", 10);
              return true;
            }
            for (int i = 0; i < 600 && sink.is_writable(); ++i) {
              std::this_thread::sleep_for(std::chrono::seconds(1));
            }
            return false;
          });
      } else if (fault == "truncate") {
        forward(client, fwd, res, true);
      } else if (fault == "huge") {
        res.set_content_provider(
          64u << 20,
          "text/plain",
          [](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
            std::string chunk(std::min<std::size_t>(length, 1 << 16), 'x');
            (void)offset;
            return sink.write(chunk.data(), chunk.size());
          });
      } else if (fault.starts_with("append:") || fault == "unsign"
                 || fault == "badsig" || fault == "othersig" || fault == "fork"
                 || fault == "badtile" || fault == "cut") {
        forward(client, fwd, res, false);
        if (res.status != 200) {
          return;
        }
        std::string body = res.body;
        if (fault.starts_with("append:")) {
          body += fault.substr(7);
        } else if (fault == "badtile") {
          body[0] = static_cast<char>(body[0] ^ 1);
        } else if (fault != "cut") {
          body = tamper_note(body, fault, signer);
        }
        if (fault == "cut") {
          auto whole = body;
          res.body.clear(); // else httplib sends it instead of the provider
          res.set_content_provider(
            whole.size(),
            "text/plain",
            [whole](std::size_t offset, std::size_t, httplib::DataSink& sink) {
              if (offset > 0) {
                return false;
              }
              sink.write(whole.data(), whole.size() / 2);
              return true;
            });
          return;
        }
        res.set_content(body, "application/octet-stream");
      } else if (fault.starts_with("redirect:")) {
        res.set_redirect(fault.substr(9) + req.path, 302);
      } else if (fault.starts_with("oversize:")) {
        auto left =
          std::make_shared<std::uint64_t>(std::stoull(fault.substr(9)) << 20);
        res.set_chunked_content_provider(
          "application/zip", [left](std::size_t, httplib::DataSink& sink) {
            if (*left == 0) {
              sink.done();
              return true;
            }
            std::string chunk(
              static_cast<std::size_t>(std::min<std::uint64_t>(*left, 1 << 20)),
              'P');
            *left -= chunk.size();
            return sink.write(chunk.data(), chunk.size());
          });
      } else if (fault.starts_with("goget:")) {
        auto import_prefix = req.get_header_value("Host") + req.path;
        res.set_content(
          "<!DOCTYPE html><html><head><meta name=\"go-import\" content=\""
            + import_prefix + " git " + fault.substr(6)
            + "\"></head><body>go get</body></html>\n",
          "text/html; charset=utf-8");
      } else if (fault.starts_with("file:")) {
        res.set_content(slurp(fault.substr(5)), "application/octet-stream");
      } else {
        res.status = 500;
        res.set_content("fault_upstream: unknown fault " + fault + "\n",
                        "text/plain");
      }
    });
  // Every request answered, in order, on stderr: tests read which requests
  // came and when (a HEAD must not become a GET, the largest zip first).
  server.set_logger(
    [](const httplib::Request& req, const httplib::Response& res) {
      std::cerr << "fault_upstream: " << req.method << " " << req.path << " "
                << res.status << std::endl;
    });
  int port =
    listen_port == 0
      ? server.bind_to_any_port(listen_host)
      : (server.bind_to_port(listen_host, listen_port) ? listen_port : -1);
  if (port <= 0 || !server.is_valid()) {
    std::cerr << "fault_upstream: cannot listen on " << listen_host << "\n";
    return 1;
  }
  std::cout << "fault upstream at " << (tls_cert.empty() ? "http" : "https")
            << "://" << listen_host << ":" << port << std::endl;
  server.listen_after_bind();
  return 0;
}
