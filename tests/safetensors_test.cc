// safetensors reader: dtype conversion and every way a file can lie.
#include <doctest/doctest.h>

#include <cstring>

#include "ltp/error.h"
#include "model/safetensors.h"
#include "test_support.h"

namespace ltp {
namespace {

// A file from a literal JSON header and a data section.
std::string safetensors_bytes(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  const uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  return out + header + data;
}

std::string u16s(std::initializer_list<uint16_t> values) {
  std::string s;
  for (uint16_t v : values) s.append(reinterpret_cast<const char*>(&v), 2);
  return s;
}

std::string load_error(const std::string& bytes) {
  test::TempDir dir;
  const auto path = dir.path() / "model.safetensors";
  test::write_file(path, bytes);
  try {
    SafetensorsFile file(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("safetensors: F16 and BF16 are widened exactly, F32 copied") {
  const float f32[2] = {1.5f, -0.25f};
  const std::string data = std::string(reinterpret_cast<const char*>(f32), 8) +
                           u16s({0x3C00, 0xC000, 0x3555, 0x0001, 0x7BFF}) + u16s({0x3F80, 0xC0A0});
  const std::string header =
      R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("h":{"dtype":"F16","shape":[5],"data_offsets":[8,18]},)"
      R"("b":{"dtype":"BF16","shape":[1,2],"data_offsets":[18,22]}})";
  test::TempDir dir;
  test::write_file(dir.path() / "t.safetensors", safetensors_bytes(header, data));
  SafetensorsFile file(dir.path() / "t.safetensors");
  CHECK(file.tensors().size() == 3);
  const Tensor a = file.to_float(*file.find("a"));
  CHECK(a.data()[0] == 1.5f);
  CHECK(a.data()[1] == -0.25f);
  const Tensor h = file.to_float(*file.find("h"));
  CHECK(h.data()[0] == 1.0f);
  CHECK(h.data()[1] == -2.0f);
  CHECK(h.data()[2] == doctest::Approx(0.333251953125));
  CHECK(h.data()[3] == doctest::Approx(5.960464477539063e-08));  // smallest subnormal
  CHECK(h.data()[4] == 65504.0f);  // largest half
  const Tensor b = file.to_float(*file.find("b"));
  CHECK(b.shape() == std::vector<int64_t>{1, 2});
  CHECK(b.data()[0] == 1.0f);
  CHECK(b.data()[1] == -5.0f);
  CHECK(file.find("missing") == nullptr);
}

TEST_CASE("safetensors: a truncated file is a clear error") {
  CHECK(load_error("abc").find("truncated") != std::string::npos);
  CHECK(load_error(safetensors_bytes("{}", "").substr(0, 9)).find("header length") != std::string::npos);
  // A real model file cut short: the last tensors' offsets now run past the end.
  const std::string full = test::read_file(test::model_dir("tiny-roberta") / "model.safetensors");
  const std::string message = load_error(full.substr(0, full.size() - 100));
  CHECK(message.find("run past the data section") != std::string::npos);
  CHECK(message.find("model.safetensors: tensor ") != std::string::npos);
}

TEST_CASE("safetensors: offsets past the file, overlapping tensors, wrong sizes") {
  const std::string data(16, '\0');
  CHECK(load_error(safetensors_bytes(R"({"w":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}})", data))
            .find("tensor w: data_offsets [0, 32] run past") != std::string::npos);
  CHECK(load_error(safetensors_bytes(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
                                     R"("v":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                                     data))
            .find("overlap at byte offset 8") != std::string::npos);
  CHECK(load_error(safetensors_bytes(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", data))
            .find("shape [3] needs 12 bytes, data_offsets give 16") != std::string::npos);
  CHECK(load_error(safetensors_bytes(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[8,0]}})", data))
            .find("run past") != std::string::npos);
}

TEST_CASE("safetensors: unsupported dtypes and broken headers are named") {
  const std::string data(16, '\0');
  // Integer buffers (position_ids) may sit in a model file; only reading one as weights fails.
  test::TempDir dir;
  test::write_file(dir.path() / "i.safetensors",
                   safetensors_bytes(R"({"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})", data));
  const SafetensorsFile file(dir.path() / "i.safetensors");
  CHECK_THROWS_WITH_AS(file.to_float(*file.find("ids")),
                       doctest::Contains("tensor ids has dtype I64; supported are F32, F16 and BF16"), Error);
  CHECK(load_error(safetensors_bytes(R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,16]}})", data))
            .find("tensor w: unknown dtype \"Q4\"") != std::string::npos);
  CHECK(load_error(safetensors_bytes(R"({"ids":{"dtype":"I64","shape":[3],"data_offsets":[0,16]}})", data))
            .find("shape [3] needs 24 bytes") != std::string::npos);
  CHECK(load_error(safetensors_bytes(R"({"w": [1, 2})", data)).find("header is not valid JSON") != std::string::npos);
  CHECK(load_error(safetensors_bytes(R"({"w":{"dtype":"F32"}})", data)).find("needs dtype, shape and data_offsets") !=
        std::string::npos);
  CHECK(load_error(safetensors_bytes(R"({"w":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", data))
            .find("is not a list of sizes") != std::string::npos);
}

}  // namespace
}  // namespace ltp
