using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>What a row's pipeline tells the scenarios besides its strategies.</summary>
/// <param name="State">Reads the circuit's state through the row's own state provider.</param>
/// <param name="ThrowsOnErrorStatus">Whether callers throw on error answers (<c>EnsureSuccessStatusCode</c>, the usual exception-driven Polly
/// code) rather than hand the response to the pipeline (as Microsoft's handler and this library's do).</param>
internal sealed record RowPipeline(Func<CircuitState> State, bool ThrowsOnErrorStatus);
