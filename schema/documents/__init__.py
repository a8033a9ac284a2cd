"""Official documents (公文): types and templates, documents and their tasks, the day's work
(待办 / 已办 / 我发起的), the trail (全程跟踪), and every action on a document."""
