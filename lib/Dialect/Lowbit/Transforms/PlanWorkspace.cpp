//===- PlanWorkspace.cpp - Heap buffers into one static workspace -*- C++
//-*-===//
//
// Part of the Lowbit project.
//
// Replaces the statically shaped memref.allocs of a function by views into
// one workspace whose offsets come from the buffers' live ranges, so that a
// compiled model neither mallocs nor touches fresh pages per call.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/ModelInterface.h"
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Transforms/BufferViewFlowAnalysis.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITPLANWORKSPACE
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

/// Every offset in the workspace, and the workspace itself, is aligned to a
/// cache line (the alignment bufferization gives its allocs).
static constexpr int64_t kWorkspaceAlignment = 64;

namespace {
/// A buffer the plan places: its size, its live range as positions in the
/// function's top-level block (both ends included) and its place.
struct PlannedBuffer {
  memref::AllocOp alloc;
  int64_t bytes;
  int64_t alignment;
  unsigned firstPosition;
  unsigned lastPosition;
  SmallVector<memref::DeallocOp> deallocs;
  int64_t offset = 0;

  bool isLiveWith(const PlannedBuffer &other) const {
    return firstPosition <= other.lastPosition &&
           other.firstPosition <= lastPosition;
  }
};
} // namespace

/// The bytes of a buffer of `type` if the workspace can hold it: a static
/// shape, the identity layout, the default memory space and whole-byte
/// integer or float elements (no i1, no index).
static std::optional<int64_t> getPlannableBytes(MemRefType type) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getMemorySpace())
    return std::nullopt;
  Type element = type.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  return type.getNumElements() * (element.getIntOrFloatBitWidth() / 8);
}

/// Whether `user` lets the buffer outlive what the live range sees: it
/// returns it, branches with it, passes it to a callee, turns it into a
/// pointer, or makes a memref that the alias analysis does not relate to it.
static bool letsBufferEscape(Operation *user,
                             const BufferViewFlowAnalysis::ValueSetT &aliases) {
  // Only terminators that pass values on inside a region op (scf.yield) are
  // followed by the alias analysis; func.return is ReturnLike too.
  if (user->hasTrait<OpTrait::IsTerminator>() &&
      !(isa<RegionBranchTerminatorOpInterface>(user) &&
        isa<RegionBranchOpInterface>(user->getParentOp())))
    return true;
  if (isa<CallOpInterface, UnrealizedConversionCastOp,
          memref::ExtractAlignedPointerAsIndexOp>(user))
    return true;
  return llvm::any_of(user->getResults(), [&](Value result) {
    return isa<BaseMemRefType>(result.getType()) && !aliases.contains(result);
  });
}

/// The buffer of `alloc` with its live range, or nothing if the workspace
/// cannot hold it safely.
static std::optional<PlannedBuffer>
analyzeBuffer(memref::AllocOp alloc, Block &body,
              const DenseMap<Operation *, unsigned> &positions,
              const BufferViewFlowAnalysis &flow) {
  std::optional<int64_t> bytes = getPlannableBytes(alloc.getType());
  if (!bytes || !alloc.getDynamicSizes().empty() ||
      !alloc.getSymbolOperands().empty())
    return std::nullopt;
  int64_t alignment =
      std::max<int64_t>(kWorkspaceAlignment, alloc.getAlignment().value_or(1));
  if (!llvm::isPowerOf2_64(alignment))
    return std::nullopt;

  unsigned position = positions.lookup(alloc);
  PlannedBuffer buffer{alloc, *bytes, alignment, position, position, {}};
  BufferViewFlowAnalysis::ValueSetT aliases = flow.resolve(alloc.getResult());
  for (Value alias : aliases) {
    for (Operation *user : alias.getUsers()) {
      // Only a dealloc of the alloc itself surely frees this buffer and no
      // other (a dealloc of a select or of a base buffer might not).
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
        if (alias != alloc.getResult())
          return std::nullopt;
        buffer.deallocs.push_back(dealloc);
        continue;
      }
      if (letsBufferEscape(user, aliases))
        return std::nullopt;
      Operation *ancestor = body.findAncestorOpInBlock(*user);
      if (!ancestor)
        return std::nullopt;
      buffer.lastPosition =
          std::max(buffer.lastPosition, positions.lookup(ancestor));
    }
  }
  return buffer;
}

/// Gives every buffer the lowest aligned offset that no buffer with an
/// overlapping live range occupies, largest buffers first. Returns the
/// workspace size.
static int64_t assignOffsets(MutableArrayRef<PlannedBuffer> buffers) {
  SmallVector<PlannedBuffer *> order;
  for (PlannedBuffer &buffer : buffers)
    order.push_back(&buffer);
  llvm::stable_sort(order, [](const PlannedBuffer *a, const PlannedBuffer *b) {
    return a->bytes > b->bytes;
  });

  int64_t workspaceBytes = 0;
  SmallVector<PlannedBuffer *> placed;
  for (PlannedBuffer *buffer : order) {
    SmallVector<std::pair<int64_t, int64_t>> occupied;
    for (PlannedBuffer *other : placed)
      if (buffer->isLiveWith(*other))
        occupied.push_back({other->offset, other->offset + other->bytes});
    llvm::sort(occupied);
    int64_t offset = 0;
    for (auto [begin, end] : occupied) {
      if (offset + buffer->bytes <= begin)
        break;
      offset = std::max<int64_t>(
          offset, llvm::alignTo(end, static_cast<uint64_t>(buffer->alignment)));
    }
    buffer->offset = offset;
    workspaceBytes = std::max(workspaceBytes, offset + buffer->bytes);
    placed.push_back(buffer);
  }
  return llvm::alignTo(workspaceBytes, kWorkspaceAlignment);
}

/// The buffers of `function` that the workspace can hold, with offsets, and
/// the workspace size.
static std::pair<SmallVector<PlannedBuffer>, int64_t>
planBuffers(func::FuncOp function) {
  SmallVector<PlannedBuffer> buffers;
  if (!function.getBody().hasOneBlock())
    return {buffers, 0};
  Block &body = function.getBody().front();
  DenseMap<Operation *, unsigned> positions;
  for (auto [index, op] : llvm::enumerate(body))
    positions[&op] = index;

  BufferViewFlowAnalysis flow(function);
  for (auto alloc : body.getOps<memref::AllocOp>())
    if (std::optional<PlannedBuffer> buffer =
            analyzeBuffer(alloc, body, positions, flow))
      buffers.push_back(std::move(*buffer));
  int64_t workspaceBytes = assignOffsets(buffers);
  return {std::move(buffers), workspaceBytes};
}

/// Replaces the planned allocs by views into `workspace` (a value defined
/// before all of them) and erases their deallocs.
static void placeBuffers(ArrayRef<PlannedBuffer> buffers, Value workspace) {
  for (const PlannedBuffer &buffer : buffers) {
    for (memref::DeallocOp dealloc : buffer.deallocs)
      dealloc.erase();
    memref::AllocOp alloc = buffer.alloc;
    OpBuilder builder(alloc);
    Value offset =
        arith::ConstantIndexOp::create(builder, alloc.getLoc(), buffer.offset);
    Value view =
        memref::ViewOp::create(builder, alloc.getLoc(), alloc.getType(),
                               workspace, offset, ValueRange());
    alloc.replaceAllUsesWith(view);
    alloc.erase();
  }
}

/// Moves the body of public `function` into a new public
/// `<function>_with_workspace` that takes the workspace as its last argument,
/// and makes `function` call it with `global`. Returns the new function's
/// workspace argument.
static FailureOr<Value> splitOffWorkspaceVariant(func::FuncOp function,
                                                 memref::GlobalOp global,
                                                 SymbolTable &symbols) {
  std::string name = (function.getSymName() + kWithWorkspaceSuffix).str();
  if (symbols.lookup(name)) {
    function.emitError("cannot add '")
        << name << "': the symbol exists already";
    return failure();
  }
  MemRefType workspaceType = global.getType();
  OpBuilder builder(function);
  FunctionType type = function.getFunctionType();
  SmallVector<Type> inputs(type.getInputs());
  inputs.push_back(workspaceType);
  auto variant =
      func::FuncOp::create(builder, function.getLoc(), name,
                           builder.getFunctionType(inputs, type.getResults()));
  if (ArrayAttr argAttrs = function.getAllArgAttrs()) {
    SmallVector<Attribute> attrs(argAttrs.getValue());
    attrs.push_back(builder.getDictionaryAttr({}));
    variant.setAllArgAttrs(attrs);
  }
  if (ArrayAttr resultAttrs = function.getAllResultAttrs())
    variant.setAllResultAttrs(resultAttrs);
  symbols.insert(variant);
  variant.getBody().takeBody(function.getBody());
  Value workspace =
      variant.getBody().front().addArgument(workspaceType, function.getLoc());

  Block *entry = function.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  SmallVector<Value> operands(entry->getArguments());
  operands.push_back(memref::GetGlobalOp::create(
      builder, function.getLoc(), workspaceType, global.getSymName()));
  auto call =
      func::CallOp::create(builder, function.getLoc(), variant, operands);
  func::ReturnOp::create(builder, function.getLoc(), call.getResults());
  return workspace;
}

namespace {
struct PlanWorkspacePass
    : public mlir::lowbit::impl::LowbitPlanWorkspaceBase<PlanWorkspacePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (auto function : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (function.isExternal())
        continue;
      auto [buffers, workspaceBytes] = planBuffers(function);
      if (buffers.empty())
        continue;
      if (failed(placeWorkspace(function, buffers, workspaceBytes, symbols)))
        return signalPassFailure();
    }
  }

  /// Creates the workspace global of `function` and places `buffers` in it
  /// (or in the argument of the reentrant variant).
  LogicalResult placeWorkspace(func::FuncOp function,
                               ArrayRef<PlannedBuffer> buffers,
                               int64_t workspaceBytes, SymbolTable &symbols) {
    OpBuilder builder(function);
    auto type = MemRefType::get({workspaceBytes}, builder.getI8Type());
    Attribute zero = builder.getI8IntegerAttr(0);
    auto zeros = DenseElementsAttr::get(
        RankedTensorType::get({workspaceBytes}, builder.getI8Type()), zero);
    auto global = memref::GlobalOp::create(
        builder, function.getLoc(),
        (function.getSymName() + "_workspace").str(),
        builder.getStringAttr("private"), type, zeros, /*constant=*/false,
        builder.getI64IntegerAttr(kWorkspaceAlignment));
    symbols.insert(global);

    Value workspace;
    if (workspaceArgument && function.isPublic()) {
      FailureOr<Value> argument =
          splitOffWorkspaceVariant(function, global, symbols);
      if (failed(argument))
        return failure();
      workspace = *argument;
    } else {
      builder.setInsertionPointToStart(&function.getBody().front());
      workspace = memref::GetGlobalOp::create(builder, function.getLoc(), type,
                                              global.getSymName());
    }
    placeBuffers(buffers, workspace);
    return success();
  }
};
} // namespace
