import { useState } from "react";
import { useMutation } from "urql";
import { useTranslation } from "react-i18next";
import { Upload } from "./queries";

type Attachment = {
  id: string;
  name: string;
  size: number;
  version: number;
  createdAt: string;
  downloadUrl?: string | null;
  uploadedBy?: { displayName: string } | null;
};

/** Upload (a new file, or a new version of one), every version listed, signed download links. */
export function Attachments({
  documentId,
  attachments,
  onDone,
}: {
  documentId: string;
  attachments: Attachment[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [, upload] = useMutation(Upload);
  const [replaces, setReplaces] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  async function send(file: File | undefined) {
    if (!file) return;
    setProblem(null);
    const result = await upload({ input: { documentId, file, replacesId: replaces || null } });
    const errors = result.data?.uploadAttachment.errors ?? [];
    if (result.error) setProblem(result.error.message);
    else if (errors.length) setProblem(errors.map((e) => e.message).join("; "));
    else onDone();
  }
  return (
    <section aria-labelledby="attachments-heading" className="attachments">
      <h2 id="attachments-heading">{t("doc.attachments")}</h2>
      <ul>
        {attachments.map((a) => (
          <li key={a.id}>
            {a.downloadUrl ? <a href={a.downloadUrl}>{a.name}</a> : a.name}{" "}
            <small>
              v{a.version} · {Math.ceil(a.size / 1024)} KB · {a.uploadedBy?.displayName}
            </small>
          </li>
        ))}
      </ul>
      <label>
        {t("doc.replaces")}
        <select value={replaces} onChange={(e) => setReplaces(e.target.value)}>
          <option value="">{t("doc.newFile")}</option>
          {attachments.map((a) => (
            <option key={a.id} value={a.id}>{a.name} v{a.version}</option>
          ))}
        </select>
      </label>
      <label>
        {t("doc.upload")}
        <input type="file" onChange={(e) => void send(e.target.files?.[0])} />
      </label>
      {problem && <p role="alert">{problem}</p>}
    </section>
  );
}
