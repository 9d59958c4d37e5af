using System.Collections.Generic;

namespace RnnGen.IO
{
    /// <summary>Compares a file's tensors with the set a network expects and words every difference.</summary>
    internal static class TensorSetComparison
    {
        /// <summary>One line per problem: missing, wrong dtype, wrong shape, then (unless allowed) unexpected tensors.</summary>
        public static List<string> Compare(SafeTensorsFile file, IEnumerable<TensorInfo> expected, bool allowExtra)
        {
            var problems = new List<string>();
            var wanted = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var tensor in expected)
            {
                if (!wanted.Add(tensor.Name))
                {
                    continue;
                }

                var shape = TensorShapeText.Dimensions(tensor);
                var shapeText = TensorShapeText.Format(shape);
                if (!file.TryGetTensor(tensor.Name, out var found))
                {
                    problems.Add($"missing tensor '{tensor.Name}' {shapeText}");
                    continue;
                }

                if (found.DType != SafeTensorsDType.F32)
                {
                    problems.Add($"tensor '{tensor.Name}' has dtype {SafeTensorsDTypes.ToName(found.DType)}, expected F32");
                }

                if (!found.HasShape(shape))
                {
                    problems.Add($"tensor '{tensor.Name}' has shape {found.ShapeText}, expected {shapeText}");
                }
            }

            if (!allowExtra)
            {
                foreach (var tensor in file.Tensors)
                {
                    if (!wanted.Contains(tensor.Name))
                    {
                        problems.Add($"unexpected tensor '{tensor.Name}' {SafeTensorsDTypes.ToName(tensor.DType)} {tensor.ShapeText}");
                    }
                }
            }

            return problems;
        }
    }
}
