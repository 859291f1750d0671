// gpx: a per-machine Go module proxy and the commands around it.

#include "context.hpp"

#include <agent/http_client.hpp>

#include <exception>
#include <iostream>

int
main(int argc, char** argv)
{
  gpx::agent::http_global_init(); // before any thread, as libcurl requires
  try {
    return gpx::cli::run_gpx(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "gpx: internal error: " << e.what() << "\n"
              << "gpx: hint: this is a bug; please report it with the command you ran\n";
    return 1;
  }
}
