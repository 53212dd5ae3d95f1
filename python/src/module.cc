// The extension module ltp._ltp: Model, Tokenizer, Encoding, Output and Error,
// which python/ltp/__init__.py re-exports as the package `ltp`.
#include <filesystem>

#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "inputs.h"
#include "ltp/device.h"
#include "ltp/error.h"
#include "ltp/version.h"
#include "outputs.h"
#include "runner.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace ltp::py {
namespace {

// model.tokenizer: the model's own tokenizer, truncating to the model's max_length.
class TokenizerView {
 public:
  explicit TokenizerView(const Runner& runner) : runner_(runner) {}
  Encoding encode(std::string text, std::optional<std::string> pair, std::optional<int> max_length) const {
    return runner_.tokenize({std::move(text), std::move(pair)}, max_length);
  }

 private:
  const Runner& runner_;
};

const char* device_name(Device device) { return device == Device::CPU ? "cpu" : "cuda"; }

void load(Runner* self, const std::filesystem::path& path, std::string device, std::optional<std::string> precision,
          int threads, std::optional<int> max_length, bool prune, std::optional<std::vector<float>> thresholds,
          std::optional<float> threshold_scale, std::optional<float> keep_rate,
          std::optional<std::vector<float>> keep_rates, std::optional<std::string> pooling,
          std::optional<bool> normalize, std::optional<bool> pool_pruned_tokens) {
  const RunnerOptions options{
      .device = std::move(device),
      .precision = std::move(precision),
      .threads = threads,
      .max_length = max_length,
      .overrides = {.pruning = {.disable = !prune, .thresholds = std::move(thresholds),
                                .threshold_scale = threshold_scale, .keep_rate = keep_rate,
                                .keep_rates = std::move(keep_rates)},
                    .pooling = pooling ? std::optional(parse_pooling(*pooling)) : std::nullopt,
                    .normalize = normalize,
                    .pool_pruned_tokens = pool_pruned_tokens}};
  new (self) Runner(path, options);
  const Model& m = self->model();
  if (const std::string warning = precision_warning(m.device(), m.precision()); !warning.empty())
    PyErr_WarnEx(PyExc_RuntimeWarning, warning.c_str(), 1);
}

Output encode(const Runner& runner, nb::handle inputs, int batch_size, bool trace) {
  std::vector<Input> read = read_inputs(inputs);
  std::vector<SequenceOutput> results;
  {
    nb::gil_scoped_release released;  // other Python threads run meanwhile
    results = runner.encode(std::move(read), batch_size);
  }
  return make_output(runner.model().config(), results, trace);
}

std::string model_repr(const Runner& r) {
  return "ltp.Model('" + r.model().dir().string() + "', device='" + device_name(r.model().device()) +
         "', precision='" + precision_name(r.model().precision()) +
         "', max_length=" + std::to_string(r.max_length()) + ", pruning='" +
         prune_mode_name(r.encoder_options().pruning.mode) + "')";
}

std::string output_repr(nb::handle self) {
  std::string s = "ltp.Output(";
  const char* separator = "";
  for (const char* name : {"labels", "logits", "probabilities", "scores", "embeddings", "tokens_kept", "flops",
                           "flops_dense"}) {
    const nb::object value = nb::getattr(self, name);
    if (value.is_none()) continue;
    s += separator + std::string(name) + "=" + nb::repr(value).c_str();
    separator = ", ";
  }
  return s + ")";
}

}  // namespace
}  // namespace ltp::py

NB_MODULE(_ltp, m) {
  using namespace ltp;
  using namespace ltp::py;
  m.attr("__version__") = version();
  nb::exception<Error>(m, "Error", PyExc_RuntimeError);

  nb::class_<Encoding>(m, "Encoding", "Token ids and token type ids of one input, as the model reads them.")
      .def(
          "__init__",
          [](Encoding* e, std::vector<int32_t> ids, std::optional<std::vector<int32_t>> type_ids) {
            const size_t n = ids.size();
            new (e) Encoding{std::move(ids), type_ids ? std::move(*type_ids) : std::vector<int32_t>(n, 0)};
          },
          "ids"_a, "type_ids"_a = nb::none(), "type_ids: 0 for every token when absent.")
      .def_rw("ids", &Encoding::ids)
      .def_rw("type_ids", &Encoding::type_ids)
      .def("__len__", [](const Encoding& e) { return e.ids.size(); })
      .def("__repr__", [](nb::handle self) {
        return "ltp.Encoding(ids=" + std::string(nb::repr(self.attr("ids")).c_str()) +
               ", type_ids=" + nb::repr(self.attr("type_ids")).c_str() + ")";
      });

  nb::class_<TokenizerView>(m, "Tokenizer", "A model's tokenizer (Model.tokenizer).")
      .def("encode", &TokenizerView::encode, "text"_a, "pair"_a = nb::none(), "max_length"_a = nb::none(),
           "Ids and type ids of a text or a pair, with the model's special tokens, truncated longest-first to "
           "max_length tokens (default: the model's). Raises ltp.Error on empty text.");

  // The arrays own their data (a capsule), so they are handed out as they are.
  constexpr auto kArray = nb::rv_policy::reference;
  nb::class_<Output>(m, "Output",
                     "encode's result for n inputs: the fields of the model's kind, the others None. Arrays are "
                     "float32 (int32 tokens_kept, int64 FLOPs), one row per input in input order.")
      .def_ro("labels", &Output::labels, kArray, "Classifiers: the label of each input's largest logit.")
      .def_ro("logits", &Output::logits, kArray, "Classifiers: [n, classes].")
      .def_ro("probabilities", &Output::probabilities, kArray, "Classifiers: softmax of the logits, [n, classes].")
      .def_ro("scores", &Output::scores, kArray, "Regression models: [n].")
      .def_ro("embeddings", &Output::embeddings, kArray,
              "Models without a head: [n, hidden], pooled (and normalised) as the folder or the Model's options say.")
      .def_ro("tokens_kept", &Output::tokens_kept, kArray,
              "trace=True: tokens alive after each layer's pruning, [n, layers].")
      .def_ro("flops", &Output::flops, kArray, "trace=True: FLOPs performed for each input, [n].")
      .def_ro("flops_dense", &Output::flops_dense, kArray,
              "trace=True: FLOPs the same input takes without pruning, [n].")
      .def("__repr__", &output_repr);

  nb::class_<Runner>(m, "Model",
                     "A model folder loaded once. One Model may be shared by any number of threads: encode releases "
                     "the GIL and each call runs on its own buffers.")
      .def("__init__", &load, "path"_a, nb::kw_only(), "device"_a = "cpu", "precision"_a = nb::none(),
           "threads"_a = 0, "max_length"_a = nb::none(), "prune"_a = true, "thresholds"_a = nb::none(),
           "threshold_scale"_a = nb::none(), "keep_rate"_a = nb::none(), "keep_rates"_a = nb::none(),
           "pooling"_a = nb::none(),
           "normalize"_a = nb::none(), "pool_pruned_tokens"_a = nb::none(),
           "Loads a model folder (config.json, model.safetensors, tokenizer files), as ltp-run -m does. "
           "device: 'cpu' or 'cuda'. precision: 'fp32', 'bf16', 'int8' (cpu only), 'fp16' or 'tf32' (cuda only) (default: config.json's "
           "ltp.precision, else fp32). threads: CPU threads of each encode call (0: OpenMP's default, all "
           "cores). max_length: tokens per input after truncation (default: the length the model was trained "
           "at). prune=False runs dense; thresholds, threshold_scale, keep_rate and keep_rates override config.json's "
           "pruning as --thresholds, --threshold-scale, --keep-rate and --keep-rates do. Models without a head: pooling "
           "('cls' or 'mean'), normalize, and pool_pruned_tokens (False: mean over the last layer's survivors "
           "only; default: config.json's ltp.mean_over, else True). Raises ltp.Error naming the file, field or option at fault.")
      .def("encode", &encode, "inputs"_a, "batch_size"_a = 32, "trace"_a = false,
           nb::sig("def encode(self, inputs: collections.abc.Iterable[str | tuple[str, str] | list[str] | Encoding], "
                   "batch_size: int = 32, trace: bool = False) -> Output"),
           "Runs each input (a text, a pair of texts, or an Encoding) and returns one Output row per input, in "
           "order; batch_size inputs run as one packed batch. trace=True adds tokens kept and FLOPs. Checks "
           "every input first; raises ltp.Error naming the first that cannot run.")
      .def_prop_ro("tokenizer", [](const Runner& r) { return TokenizerView(r); }, nb::keep_alive<0, 1>(),
                   "The model's tokenizer (ltp.Error from encode when the folder has none).")
      .def_prop_ro("path", [](const Runner& r) { return r.model().dir(); })
      .def_prop_ro("device", [](const Runner& r) { return device_name(r.model().device()); })
      .def_prop_ro("precision", [](const Runner& r) { return precision_name(r.model().precision()); })
      .def_prop_ro("max_length", &Runner::max_length, "Tokens per input after truncation.")
      .def_prop_ro("threads", &Runner::threads)
      .def_prop_ro("labels", [](const Runner& r) { return r.model().config().labels; },
                   "Class labels by class id (classifiers).")
      .def("__repr__", &model_repr);
}
