using System.Text.Json.Nodes;

namespace WakeDock.Containers.Services;

/// <summary>JSON merge patch (RFC 7396): objects merge key by key, <c>null</c> removes a key, anything else replaces.</summary>
public static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                // Apply returns a fresh node (a clone), so it can be attached here.
                result[key] = Apply(result[key], value);
            }
        }

        return result;
    }
}
