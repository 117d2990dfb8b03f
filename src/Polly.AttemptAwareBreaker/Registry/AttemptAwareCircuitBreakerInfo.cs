namespace Polly.AttemptAwareBreaker;

/// <summary>
/// A registered breaker's names and a snapshot of its state and statistics.
/// </summary>
/// <param name="Name">The breaker's name in the registry (<c>pipeline/instance/strategy</c>).</param>
/// <param name="PipelineName">The name of the pipeline the breaker belongs to, if any.</param>
/// <param name="PipelineInstanceName">The instance name of the pipeline (for example a downstream authority), if any.</param>
/// <param name="StrategyName">The breaker strategy's name.</param>
/// <param name="Snapshot">The breaker's state and statistics when listed.</param>
public sealed record AttemptAwareCircuitBreakerInfo(
    string Name,
    string? PipelineName,
    string? PipelineInstanceName,
    string? StrategyName,
    CircuitSnapshot Snapshot);
