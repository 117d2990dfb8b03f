namespace Polly.AttemptAwareBreaker;

/// <summary>
/// A registered breaker's names and a snapshot of its state and statistics.
/// </summary>
public sealed class AttemptAwareCircuitBreakerInfo
{
    /// <summary>
    /// Initializes a new instance of the <see cref="AttemptAwareCircuitBreakerInfo"/> class.
    /// </summary>
    /// <param name="name">The breaker's name in the registry.</param>
    /// <param name="pipelineName">The name of the pipeline, if any.</param>
    /// <param name="pipelineInstanceName">The instance name of the pipeline, if any.</param>
    /// <param name="strategyName">The breaker strategy's name.</param>
    /// <param name="snapshot">The breaker's state and statistics.</param>
    public AttemptAwareCircuitBreakerInfo(string name, string? pipelineName, string? pipelineInstanceName, string? strategyName, CircuitSnapshot snapshot)
    {
        Name = name;
        PipelineName = pipelineName;
        PipelineInstanceName = pipelineInstanceName;
        StrategyName = strategyName;
        Snapshot = snapshot;
    }

    /// <summary>Gets the breaker's name in the registry (<c>pipeline/instance/strategy</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the name of the pipeline the breaker belongs to, if any.</summary>
    public string? PipelineName { get; }

    /// <summary>Gets the instance name of the pipeline (for example a downstream authority), if any.</summary>
    public string? PipelineInstanceName { get; }

    /// <summary>Gets the breaker strategy's name.</summary>
    public string? StrategyName { get; }

    /// <summary>Gets the breaker's state and statistics when listed.</summary>
    public CircuitSnapshot Snapshot { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Snapshot}";
}
