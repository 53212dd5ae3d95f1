// Loads the model folder given as argv[1], classifies one sentence and prints
// the library version and the number of outputs.
#include <iostream>

#include "ltp/encoder.h"
#include "ltp/model.h"
#include "ltp/version.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer MODEL_DIR\n";
    return 1;
  }
  const auto model = ltp::Model::load(argv[1]);
  ltp::EncoderOptions options;
  options.pruning = model->config().pruning;
  ltp::Encoder encoder(*model, options);
  const ltp::Encoding input = model->encode("a charming journey", std::nullopt, 32);
  const auto outputs = encoder.run(std::span(&input, 1));
  std::cout << "ltp " << ltp::version() << " (headers " << LTP_VERSION_STRING << "): " << outputs[0].values.size()
            << " outputs\n";
  return outputs[0].values.empty() ? 1 : 0;
}
