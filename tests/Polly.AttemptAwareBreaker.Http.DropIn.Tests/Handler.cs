namespace StandardHandlerDropIn;

/// <summary>Which resilience handler a test puts on the client.</summary>
public enum Handler
{
    /// <summary>Microsoft's <c>AddStandardResilienceHandler</c>.</summary>
    Standard,

    /// <summary>This library's <c>AddAttemptAwareResilienceHandler</c>, configured by the same code.</summary>
    AttemptAware,
}
