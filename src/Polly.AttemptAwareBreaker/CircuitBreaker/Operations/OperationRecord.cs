namespace Polly.AttemptAwareBreaker.CircuitBreaker.Operations;

/// <summary>
/// What one breaker knows about one operation (one call through the pipeline, with its retries):
/// how many attempts it has made and where its latest attempt's class was counted.
/// One instance lives with each pooled <see cref="ResilienceContext"/> and is reset when a new operation starts on it,
/// so the closed path allocates nothing once the pool is warm.
/// </summary>
internal sealed class OperationRecord
{
    public OperationRecord()
    {
    }

    public OperationRecord(ResilienceContext context) => Context = context;

    /// <summary>Gets the context the record belongs to, when it is kept per context.</summary>
    public ResilienceContext? Context { get; }

    /// <summary>Gets the tracker (one per breaker) the record belongs to.</summary>
    public object? Owner { get; private set; }

    public int Attempts { get; set; }

    /// <summary>Gets or sets the class the operation is counted in, or -1 when it is not counted yet.</summary>
    public int CountedClass { get; set; } = -1;

    public long CountedBucketId { get; set; }

    /// <summary>Gets or sets how many standalone breaker executions are running for this operation (more than 0 means "inside a breaker").</summary>
    public int ActiveDepth { get; set; }

    public void Reset(object owner)
    {
        Owner = owner;
        Attempts = 0;
        CountedClass = -1;
        CountedBucketId = 0;
        ActiveDepth = 0;
    }
}
